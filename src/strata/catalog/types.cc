#include "strata/catalog/types.h"

namespace strata {

std::string_view DriveStateName(DriveState state) {
  switch (state) {
    case DriveState::kUp:
      return "up";
    case DriveState::kDown:
      return "down";
    case DriveState::kRemoved:
      return "removed";
  }
  return "unknown";
}

}  // namespace strata
