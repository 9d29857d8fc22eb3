#pragma once
// A hierarchical timer wheel over abstract ticks: the bookkeeping behind DeadlineList, with no
// clock and no timer of its own, so that tests drive it with synthetic time.
//
// Six levels of 64 slots. A level-L slot spans 64^L ticks and a level spans 64^(L+1), so level 0
// holds single ticks and the six levels together span 2^36 ticks (795 days at DeadlineList's
// 1 ms tick). An entry due at tick `when` goes to the level of the highest bit in which `when`
// differs from `elapsed()` (the tick the wheel has advanced to), in the slot that `when`'s bits
// of that level name. Hence every entry of level L lies in elapsed()'s current level-(L+1) span,
// in a later slot than elapsed()'s own; every entry of a level is earlier than every entry of the
// levels above; and a level's slots come due in the order of their index. An entry in another
// 2^36-tick span than elapsed() waits on an overflow list, which is walked only when elapsed()
// enters a new span (once every 795 days of a wheel's life at 1 ms ticks).
//
// insert and remove are O(1): a link into (or out of) one slot's intrusive list and a bit in the
// level's occupancy mask; nothing is allocated. advance(now) finds the earliest occupied slot
// from the masks (lowest occupied level, lowest set bit) and, while that slot's first tick is not
// after `now`, empties it: its entries that are due move to the expired list, the others (a slot
// above level 0 spans many ticks) go down to a finer level. So an advance touches only the entries
// of slots that have come up, never one that is merely waiting, and the ticks between occupied
// slots cost nothing. next_pending() is a lower bound for the earliest waiting entry: each slot
// remembers the least tick inserted into it since it was last empty (a removal leaves it as it is,
// so it may be early, never late).
//
// The expired list is first in, first out, and slots expire in time order, so entries leave it
// through pop_expired() in the order of their ticks (those of one tick in no particular order);
// only entries inserted when already due, and entries of the overflow list that one advance finds
// due, join it out of that order. remove() takes an entry out of whichever list holds it, the
// expired list included, so a caller that runs expired entries one by one may cancel or re-insert
// any.
//
// Single-threaded.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

namespace weir::net {

class TimerWheel {
 public:
  using Tick = std::uint64_t;

  static constexpr int kSlotBits = 6;
  static constexpr int kSlots = 1 << kSlotBits;  // per level
  static constexpr int kLevels = 6;
  static constexpr int kSpanBits = kSlotBits * kLevels;  // the wheel spans 2^36 ticks

  // An intrusive link: the wheel neither owns nor allocates entries. An entry must be removed (or
  // the wheel destroyed) before it is destroyed.
  class Entry {
   public:
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() = default;

    bool linked() const { return prev_ != nullptr; }  // waiting or expired
    Tick when() const { return when_; }

   private:
    friend class TimerWheel;

    Tick when_ = 0;
    // prev_ points at the pointer that points here (a list head or the previous entry's next_),
    // so an entry unlinks itself from whichever list holds it.
    Entry** prev_ = nullptr;
    Entry* next_ = nullptr;
    std::uint16_t list_ = 0;  // which list: a slot's index, kOverflow or kExpired
  };

  explicit TimerWheel(Tick now = 0);
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;
  ~TimerWheel();  // unlinks what is left

  // Links an unlinked entry, due at `when`. An entry due at or before elapsed() is expired at once.
  void insert(Entry& entry, Tick when);
  // Unlinks a linked entry, waiting or expired.
  void remove(Entry& entry);
  // Moves every entry due at or before `now` to the expired list; elapsed() becomes `now` (it
  // never goes back: an earlier `now` does nothing).
  void advance(Tick now);
  // Unlinks and returns the first expired entry; null when there is none.
  Entry* pop_expired();

  // A tick at or before which the earliest waiting entry (not an expired one) is due: exact when
  // nothing was removed from its slot since that slot was last empty, otherwise possibly early.
  // Empty when nothing waits.
  std::optional<Tick> next_pending() const;

  Tick elapsed() const { return elapsed_; }
  std::size_t size() const { return size_; }  // linked entries, waiting or expired
  bool has_expired() const { return heads_[kExpired] != nullptr; }
  // Entries an advance moved (expired, cascaded to a finer level or looked at on the overflow
  // list), over the wheel's life: for tests.
  std::size_t touched() const { return touched_; }

 private:
  static constexpr std::uint16_t kOverflow = kSlots * kLevels;
  static constexpr std::uint16_t kExpired = kOverflow + 1;
  static constexpr Tick kNever = std::numeric_limits<Tick>::max();

  struct Expiration {
    int level;
    int slot;
    Tick start;  // the slot's first tick
  };

  // The earliest occupied slot, if any.
  std::optional<Expiration> next_expiration() const;
  void link(Entry& entry, std::uint16_t list);
  void unlink(Entry& entry);
  void place(Entry& entry);  // into a slot or the overflow list, by entry.when_ > elapsed_
  void pull_overflow();

  Tick elapsed_;
  // The slots' lists, then the overflow and the expired list.
  std::array<Entry*, kSlots * kLevels + 2> heads_{};
  // Per slot and for the overflow list: the least tick linked since it was last empty.
  std::array<Tick, kSlots * kLevels + 1> least_{};
  std::array<std::uint64_t, kLevels> occupied_{};  // bit s of level L: slot s holds an entry
  Entry** expired_tail_ = &heads_[kExpired];       // the expired list's last next_ (or its head)
  std::size_t size_ = 0;
  std::size_t touched_ = 0;
};

}  // namespace weir::net
