// Rules for bucket names and object keys, as S3 has them: bucket names are
// 3-63 characters of lowercase letters, digits, dots and hyphens, starting and
// ending with a letter or digit, not shaped like an IP address; keys are 1 to
// 1024 bytes of UTF-8.
#pragma once

#include <string_view>

#include "strata/base/status.h"

namespace strata {

Status ValidateBucketName(std::string_view name);
Status ValidateObjectKey(std::string_view key);
// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool IsValidUtf8(std::string_view text);

}  // namespace strata
