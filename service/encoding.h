// Encodings used across the service: base64url (cursors, keys), hex, SHA-256
// (API key hashes), FNV-1a (ETags) and cryptographic random bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zusammen::service {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// The non-empty parts of text between separators ("a,,b" -> a, b).
std::vector<std::string> split_list(std::string_view text, char separator = ',');
std::string hex_encode(std::string_view bytes);
// Hex digits (either case) to bytes; nullopt for an odd length or a character that is no digit.
std::optional<std::string> hex_decode(std::string_view hex);
std::string sha256_hex(std::string_view data);
std::uint64_t fnv1a64(std::string_view data);
// A fast 64-bit hash of content, eight bytes at a step (for ETags of large bodies, where
// FNV-1a's byte at a step cost 7 % of a list request); not for anything secret.
std::uint64_t content_hash64(std::string_view data);
// Random bytes from the operating system's CSPRNG (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t count);
// True when text is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);
// The code point of well-formed UTF-8 at text[at] (at < text.size()), advancing at past it;
// nullopt, at unchanged, when it is malformed.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& at);
// A code point (at most U+10FFFF, no surrogate) as UTF-8.
std::string utf8_encode(char32_t c);

}  // namespace zusammen::service
