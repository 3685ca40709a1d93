// Random identifiers: blob ids, version ids, drive and cluster ids. Each is
// 128 random bits from the OS, written as 32 lowercase hex characters.
#pragma once

#include <string>
#include <string_view>

namespace strata {

std::string NewRandomId();
bool IsValidId(std::string_view id);  // 32 lowercase hex characters

}  // namespace strata
