#include "net/timer_wheel.hpp"

#include <algorithm>
#include <bit>

namespace weir::net {

TimerWheel::TimerWheel(Tick now) : elapsed_(now) { least_.fill(kNever); }

TimerWheel::~TimerWheel() {
  for (Entry*& head : heads_) {
    while (head != nullptr) unlink(*head);
  }
}

void TimerWheel::link(Entry& entry, std::uint16_t list) {
  if (list == kExpired) {  // appended: first in, first out
    entry.prev_ = expired_tail_;
    entry.next_ = nullptr;
    *expired_tail_ = &entry;
    expired_tail_ = &entry.next_;
  } else {  // pushed: a slot's or the overflow list's order does not matter
    Entry*& head = heads_[list];
    entry.next_ = head;
    if (head != nullptr) head->prev_ = &entry.next_;
    head = &entry;
    entry.prev_ = &head;
    least_[list] = std::min(least_[list], entry.when_);
    if (list < kOverflow) occupied_[list / kSlots] |= std::uint64_t{1} << (list % kSlots);
  }
  entry.list_ = list;
  ++size_;
}

void TimerWheel::unlink(Entry& entry) {
  *entry.prev_ = entry.next_;
  if (entry.next_ != nullptr) {
    entry.next_->prev_ = entry.prev_;
  } else if (entry.list_ == kExpired) {
    expired_tail_ = entry.prev_;
  }
  const std::uint16_t list = entry.list_;
  if (list != kExpired && heads_[list] == nullptr) {
    least_[list] = kNever;
    if (list < kOverflow) occupied_[list / kSlots] &= ~(std::uint64_t{1} << (list % kSlots));
  }
  entry.prev_ = nullptr;
  entry.next_ = nullptr;
  --size_;
}

void TimerWheel::place(Entry& entry) {
  const Tick differ = entry.when_ ^ elapsed_;
  if ((differ >> kSpanBits) != 0) {  // another 2^36-tick span: later than anything in a slot
    link(entry, kOverflow);
    return;
  }
  // The level of the highest differing bit (bits 0-5 count as level 0), the slot that `when`'s
  // bits of that level name: a later slot than elapsed_'s own on that level.
  const int level = (std::bit_width(differ | (kSlots - 1)) - 1) / kSlotBits;
  const auto slot = static_cast<int>((entry.when_ >> (level * kSlotBits)) & (kSlots - 1));
  link(entry, static_cast<std::uint16_t>(level * kSlots + slot));
}

void TimerWheel::insert(Entry& entry, Tick when) {
  entry.when_ = when;
  if (when <= elapsed_) {
    link(entry, kExpired);
  } else {
    place(entry);
  }
}

void TimerWheel::remove(Entry& entry) { unlink(entry); }

TimerWheel::Entry* TimerWheel::pop_expired() {
  Entry* entry = heads_[kExpired];
  if (entry != nullptr) unlink(*entry);
  return entry;
}

std::optional<TimerWheel::Expiration> TimerWheel::next_expiration() const {
  // Every level's entries are earlier than the next level's, and a level's occupied slots all
  // follow elapsed_'s own slot on it within its current span: the lowest set bit is the earliest.
  for (int level = 0; level < kLevels; ++level) {
    const std::uint64_t occupied = occupied_[level];
    if (occupied == 0) continue;
    const int slot = std::countr_zero(occupied);
    const int shift = level * kSlotBits;
    const Tick level_start = (elapsed_ >> (shift + kSlotBits)) << (shift + kSlotBits);
    return Expiration{level, slot, level_start + (Tick{static_cast<unsigned>(slot)} << shift)};
  }
  return std::nullopt;
}

std::optional<TimerWheel::Tick> TimerWheel::next_pending() const {
  if (const auto next = next_expiration()) return least_[next->level * kSlots + next->slot];
  if (heads_[kOverflow] != nullptr) return least_[kOverflow];
  return std::nullopt;
}

void TimerWheel::advance(Tick now) {
  if (now <= elapsed_) return;
  for (;;) {
    const auto next = next_expiration();
    if (!next || next->start > now) break;
    // The slot comes up: elapsed_ moves to its first tick, so its entries that are due expire and
    // the rest belong to a finer level now (never to this slot again).
    elapsed_ = next->start;
    Entry*& head = heads_[next->level * kSlots + next->slot];
    while (head != nullptr) {
      Entry& entry = *head;
      unlink(entry);
      ++touched_;
      if (entry.when_ <= elapsed_) {
        link(entry, kExpired);
      } else {
        place(entry);
      }
    }
  }
  // No slot starts at or before `now`: every waiting entry keeps its level and slot from `now`.
  elapsed_ = now;
  pull_overflow();
}

void TimerWheel::pull_overflow() {
  // Entries wait here until elapsed_ reaches their 2^36-tick span; least_ says when one may.
  if (heads_[kOverflow] == nullptr || (least_[kOverflow] >> kSpanBits) > (elapsed_ >> kSpanBits)) return;
  Tick least = kNever;
  for (Entry* entry = heads_[kOverflow]; entry != nullptr;) {
    Entry* next = entry->next_;
    ++touched_;
    if (((entry->when_ ^ elapsed_) >> kSpanBits) == 0 || entry->when_ <= elapsed_) {
      unlink(*entry);
      insert(*entry, entry->when_);
    } else {
      least = std::min(least, entry->when_);
    }
    entry = next;
  }
  if (heads_[kOverflow] != nullptr) least_[kOverflow] = least;
}

}  // namespace weir::net
