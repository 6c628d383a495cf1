// Interactive documentation: /docs (Swagger UI over /openapi.yaml) and its
// assets under /docs/<name>.<version>.<ext>. The assets come from npm
// (api/docs/package.json) and are embedded at build time, so the page works
// offline and asks no other origin for anything.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.h"
#include "api/embedded_asset.h"
#include "api/problem.h"
#include "api/responses.h"

namespace zusammen::embedded {
extern const std::vector<Asset> kDocsAssets;
}

namespace zusammen::api {

namespace {

// Only this server: no inline script, no inline style (Swagger UI styles through the
// DOM, which a policy does not restrict), and data: images for the SVG icons of its CSS.
// tests/e2e/docs_check.mjs fails on any violation while it renders and uses the page.
constexpr std::string_view kDocsPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// A versioned asset never changes under its name.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kPage = "index.html";

struct DocsFile {
  std::string content_type;
  std::string_view body;
  std::string etag;
};

std::string content_type_of(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".js")) return "application/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

// "swagger-ui.css" with hash "ab12..." is served as "swagger-ui.ab12ab12ab12.css".
std::string versioned_name(std::string_view name, std::string_view sha256) {
  auto dot = name.rfind('.');
  std::string version(sha256.substr(0, 12));
  if (dot == std::string_view::npos) return std::string(name) + "." + version;
  return std::string(name.substr(0, dot)) + "." + version + std::string(name.substr(dot));
}

struct DocsSite {
  std::map<std::string, DocsFile, std::less<>> assets;  // by versioned name
  std::string page;
  std::string page_etag;
};

DocsSite build_site() {
  DocsSite site;
  std::string_view page_template;
  std::vector<std::pair<std::string, std::string>> names;  // {{name}} -> versioned name
  for (const auto& asset : embedded::kDocsAssets) {
    if (asset.name == kPage) {
      page_template = asset.content;
      continue;
    }
    std::string name = versioned_name(asset.name, asset.sha256);
    names.emplace_back("{{" + std::string(asset.name) + "}}", name);
    site.assets[name] = {content_type_of(asset.name), asset.content,
                         "\"" + std::string(asset.sha256.substr(0, 32)) + "\""};
  }
  site.page = std::string(page_template);
  for (const auto& [placeholder, name] : names) {
    for (auto at = site.page.find(placeholder); at != std::string::npos; at = site.page.find(placeholder, at)) {
      site.page.replace(at, placeholder.size(), name);
    }
  }
  site.page_etag = content_etag(site.page);
  return site;
}

const DocsSite& site() {
  static const DocsSite built = build_site();
  return built;
}

HttpResponse conditional(const RequestContext& context, HttpResponse response, const std::string& etag,
                         std::string_view cache_control) {
  response.with_header("ETag", etag).with_header("Cache-Control", std::string(cache_control));
  response.with_header("X-Content-Type-Options", "nosniff");
  if (if_none_match_hits(context.request, etag)) return not_modified(response);
  return response;
}

}  // namespace

void mount_docs(Router& router) {
  router.add("GET", "/docs", [](const RequestContext& context) {
    HttpResponse response;
    response.content_type = "text/html; charset=utf-8";
    response.body = site().page;
    response.with_header("Content-Security-Policy", std::string(kDocsPolicy));
    response.with_header("Referrer-Policy", "no-referrer");
    // The page names versioned assets: revalidate it, cache them for good.
    return conditional(context, std::move(response), site().page_etag, "no-cache");
  });

  router.add("GET", "/docs/{asset}", [](const RequestContext& context) {
    const std::string& name = context.params.at("asset");
    auto found = site().assets.find(name);
    if (found == site().assets.end()) return problem(404, "There is nothing at " + context.request.path + ".");
    HttpResponse response;
    response.content_type = found->second.content_type;
    response.body = std::string(found->second.body);
    return conditional(context, std::move(response), found->second.etag, kImmutable);
  });
}

}  // namespace zusammen::api
