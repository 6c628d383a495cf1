// Who is asking decides what exists.
#pragma once

namespace zusammen::service {

// Anonymous callers (partner websites) see what is public: active companies, published
// initiatives of active companies, published meetings and their agenda, published testimonials.
// Keys (internal dashboards, sync scripts) see every row.
enum class Audience { public_only, internal };

}  // namespace zusammen::service
