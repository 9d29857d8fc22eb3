#include "backend/prepared_statements.hpp"

namespace weir::backend {

PreparedStatements::Entries::iterator PreparedStatements::locate(std::string_view sql, std::string_view scope,
                                                                 std::uint64_t holder) {
  auto [it, end] = entries_.equal_range(sql);
  auto free = entries_.end();
  for (; it != end; ++it) {
    if (it->second.scope != scope) continue;
    if (holder != 0 && it->second.held_by == holder) return it;
    if (it->second.held_by == 0 && free == entries_.end()) free = it;
  }
  return free;
}

PreparedStatements::Entry* PreparedStatements::find(std::string_view sql, std::string_view scope,
                                                    std::uint64_t holder) {
  const auto it = locate(sql, scope, holder);
  if (it == entries_.end()) return nullptr;
  it->second.last_used = ++clock_;
  return &it->second;
}

PreparedStatements::Entry* PreparedStatements::find(std::string_view sql, std::string_view scope, std::uint64_t holder,
                                                    Remembered& remembered) {
  for (auto& place : remembered.places_) {
    if (place.cache == this && place.version == version_) {
      place.entry->last_used = ++clock_;
      return place.entry;
    }
  }
  Entry* entry = find(sql, scope, holder);
  if (entry == nullptr) return nullptr;
  auto* place = &remembered.places_[remembered.next_];
  for (auto& same : remembered.places_) {
    if (same.cache == this) place = &same;  // an older answer of this cache: replaced
  }
  if (place == &remembered.places_[remembered.next_]) {
    remembered.next_ = static_cast<std::uint8_t>((remembered.next_ + 1) % remembered.places_.size());
  }
  *place = {this, version_, entry};
  return entry;
}

PreparedStatements::Entry& PreparedStatements::add(std::string_view sql, std::string_view scope, std::uint32_t id,
                                                   std::vector<std::uint32_t>& to_close) {
  changed();
  if (const auto it = locate(sql, scope, 0); it != entries_.end()) {
    if (it->second.id != id) to_close.push_back(it->second.id);
    it->second.id = id;
    it->second.types.clear();
    column_bytes_ -= it->second.columns.size();
    it->second.columns.clear();
    it->second.last_used = ++clock_;
    return it->second;
  }
  while (entries_.size() >= capacity_) {
    const auto oldest = oldest_unheld(nullptr);
    if (oldest == entries_.end()) break;  // all held: over capacity until they are released
    to_close.push_back(oldest->second.id);
    erase(oldest);
  }
  Entry entry;
  entry.scope.assign(scope);
  entry.id = id;
  entry.last_used = ++clock_;
  return entries_.emplace(std::string(sql), std::move(entry))->second;
}

PreparedStatements::Entries::iterator PreparedStatements::oldest_unheld(const Entry* keep) {
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.held_by != 0 || &it->second == keep) continue;
    if (oldest == entries_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
  }
  return oldest;
}

void PreparedStatements::erase(Entries::iterator it) {
  column_bytes_ -= it->second.columns.size();
  entries_.erase(it);
  changed();
}

void PreparedStatements::set_columns(Entry& entry, ColumnDefinitions& columns, std::vector<std::uint32_t>& to_close) {
  column_bytes_ -= entry.columns.size();
  entry.columns.swap(columns);
  column_bytes_ += entry.columns.size();
  while (column_bytes_ > kColumnBytes) {
    const auto oldest = oldest_unheld(&entry);
    if (oldest == entries_.end()) break;
    to_close.push_back(oldest->second.id);
    erase(oldest);
  }
}

std::uint32_t PreparedStatements::remove(std::string_view sql, std::string_view scope, std::uint64_t holder) {
  const auto it = locate(sql, scope, holder);
  if (it == entries_.end()) return 0;
  const std::uint32_t id = it->second.id;
  erase(it);
  return id;
}

void PreparedStatements::release(std::uint64_t holder) {
  if (holder == 0) return;
  for (auto& [text, entry] : entries_) {
    if (entry.held_by == holder) {
      entry.held_by = 0;
      changed();
    }
  }
}

std::string_view PreparedStatements::text_of(std::uint32_t id) const {
  for (const auto& [text, entry] : entries_) {
    if (entry.id == id) return text;
  }
  return {};
}

}  // namespace weir::backend
