// /docs and its assets over HTTP: the page names versioned assets that the
// server itself serves, byte for byte as npm installed them, with strong ETags,
// long caching and 304s, under a Content-Security-Policy that allows only self.
// (scripts/e2e.sh renders the page in Chromium.)
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../support/api_test.h"

namespace zusammen::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class DocsTest : public ApiTest<DocsTest> {
 public:
  static constexpr SuiteSettings kSuite = {.database = "docs"};

 protected:
  // The /docs/... paths the page links, in order.
  std::vector<std::string> linked_assets() {
    auto page = client().get("/docs");
    std::vector<std::string> out;
    std::regex link(R"((?:src|href)="(/docs/[^"]+)\")");
    for (std::sregex_iterator it(page.body.begin(), page.body.end(), link), end; it != end; ++it)
      out.push_back((*it)[1]);
    return out;
  }
};

TEST_F(DocsTest, PageIsHtmlUnderAStrictPolicyAndRevalidated) {
  auto page = client().get("/docs");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("content-type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<div id=\"swagger-ui\">"), std::string::npos);
  EXPECT_EQ(page.body.find("{{"), std::string::npos) << "a placeholder was left in the page";
  EXPECT_EQ(page.body.find("http"), std::string::npos) << "the page names another origin";
  std::string policy = page.header("content-security-policy").value_or("");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-eval"), std::string::npos) << policy;
  EXPECT_EQ(page.header("cache-control").value_or(""), "no-cache");
  std::string etag = page.header("etag").value_or("");
  ASSERT_FALSE(etag.empty());
  auto again = client().get("/docs", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  // Credentials do not matter here, not even invalid ones.
  EXPECT_EQ(client().get("/docs", {{"Authorization", "Bearer nonsense"}}).status, 200);
}

TEST_F(DocsTest, AssetsAreTheNpmFilesWithTypesEtagsAndLongCaching) {
  auto assets = linked_assets();
  ASSERT_EQ(assets.size(), 4u);
  const std::string dist = std::string(ZUSAMMEN_SOURCE_DIR) + "/api/docs/node_modules/swagger-ui-dist/";
  struct Expected {
    std::string prefix, content_type, file;
  };
  std::vector<Expected> expected = {
      {"/docs/favicon-32x32.", "image/png", dist + "favicon-32x32.png"},
      {"/docs/swagger-ui.", "text/css; charset=utf-8", dist + "swagger-ui.css"},
      {"/docs/swagger-ui-bundle.", "application/javascript; charset=utf-8", dist + "swagger-ui-bundle.js"},
      {"/docs/docs.", "application/javascript; charset=utf-8", std::string(ZUSAMMEN_SOURCE_DIR) + "/api/docs/docs.js"},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& want = expected[i];
    const auto& path = assets[i];
    SCOPED_TRACE(path);
    EXPECT_EQ(path.rfind(want.prefix, 0), 0u);
    EXPECT_TRUE(std::regex_match(path, std::regex(R"(/docs/[A-Za-z0-9_-]+\.[0-9a-f]{12}\.(js|css|png))")));
    auto response = client().get(path);
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.header("content-type").value_or(""), want.content_type);
    EXPECT_EQ(response.header("cache-control").value_or(""), "public, max-age=31536000, immutable");
    EXPECT_EQ(response.header("x-content-type-options").value_or(""), "nosniff");
    std::string file = read_file(want.file);
    ASSERT_FALSE(file.empty()) << want.file;
    EXPECT_TRUE(response.body == file) << "served " << response.body.size() << " bytes, the file has " << file.size();
    std::string etag = response.header("etag").value_or("");
    EXPECT_TRUE(std::regex_match(etag, std::regex(R"("[0-9a-f]{32}")"))) << etag;
    auto cached = client().get(path, {{"If-None-Match", etag}});
    EXPECT_EQ(cached.status, 304);
    EXPECT_EQ(cached.header("etag").value_or(""), etag);
    EXPECT_TRUE(cached.body.empty());
  }
}

// The authorization matrix (tests/contract/authz.mjs) calls /docs/{asset} with the contract's
// example, so the example must name an asset this build serves.
TEST_F(DocsTest, TheContractsExampleAssetIsServed) {
  std::string contract = read_file(std::string(ZUSAMMEN_SOURCE_DIR) + "/openapi.yaml");
  std::smatch example;
  ASSERT_TRUE(std::regex_search(contract, example, std::regex(R"(example: (swagger-ui\.[0-9a-f]{12}\.css))")))
      << "openapi.yaml: /docs/{asset} has no example naming swagger-ui.<version>.css";
  auto assets = linked_assets();
  EXPECT_NE(std::find(assets.begin(), assets.end(), "/docs/" + example[1].str()), assets.end())
      << "openapi.yaml's example for /docs/{asset} is " << example[1]
      << ": after changing api/docs, set it to the swagger-ui.<version>.css that /docs links";
}

TEST_F(DocsTest, UnknownOrOutdatedAssetsAre404Problems) {
  for (const std::string path : {"/docs/swagger-ui-bundle.js", "/docs/swagger-ui-bundle.000000000000.js",
                                 "/docs/index.html", "/docs/..%2Fopenapi.yaml"}) {
    auto response = client().get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.header("content-type").value_or("").rfind("application/problem+json", 0), 0u) << path;
  }
}

}  // namespace
}  // namespace zusammen::testing
