// The checker's collapse-compressed visited set: what is inserted is found
// and loaded back byte for byte, distinct states stay distinct, a hint never
// changes which indices a state resolves to, and parts are shared; with and
// without the tree of inner nodes (issue 22), which stores the same states
// under the same indices.
// Also the chunked array that holds the BFS parents.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "collapse_store.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

std::vector<std::vector<uint8_t>> reachablePacked(const Config& c, size_t limit) {
  ExtCore m(c);
  const Codec codec(c);
  std::vector<std::vector<uint8_t>> out;
  test::forEachReachable(m, limit, [&](const State& s) {
    std::vector<uint8_t> b(codec.bytes());
    EXPECT_TRUE(codec.pack(s, b.data()));
    out.push_back(std::move(b));
  });
  return out;
}

TEST(CollapseStore, PartsCoverTheStateByteAligned) {
  const Config c = test::smallConfig(3, 2, 2);
  const Codec codec(c);
  int at = 0, tasks = 0, cpus = 0;
  for (const Codec::Part& p : codec.parts()) {
    EXPECT_EQ(p.offset, at);
    at += p.bytes;
    tasks += p.kind == PartKind::Task;
    cpus += p.kind == PartKind::Cpu;
  }
  EXPECT_EQ(at, codec.bytes());
  EXPECT_EQ(tasks, 3);
  EXPECT_EQ(cpus, 2);
  CollapseStore tree(codec);
  EXPECT_TRUE(tree.tree());
  EXPECT_EQ(tree.rootBytes(), 8);
  // a balanced tree over the 6 parts: 5 inner nodes, the root not carried
  EXPECT_EQ(tree.idCount(), 6 + 4);
  CollapseStore flat(codec, false);
  EXPECT_FALSE(flat.tree());
  EXPECT_EQ(flat.rootBytes(), 4 * static_cast<int>(codec.parts().size()));
  EXPECT_EQ(flat.idCount(), flat.parts());
}

class CollapseStoreLayout : public ::testing::TestWithParam<bool> {};

TEST_P(CollapseStoreLayout, InsertFindLoadRoundTrip) {
  const Config c = test::smallConfig(2, 2, 1);
  const Codec codec(c);
  const auto states = reachablePacked(c, 20000);
  ASSERT_GT(states.size(), 5000u);
  CollapseStore store(codec, GetParam());
  std::map<std::vector<uint8_t>, uint64_t> index;
  for (const auto& b : states) {
    store.reserve(1);
    EXPECT_FALSE(store.contains(b.data()));
    bool inserted = false;
    const uint64_t i = store.insert(b.data(), &inserted);
    EXPECT_TRUE(inserted);
    EXPECT_EQ(i, index.size());  // discovery order
    index[b] = i;
  }
  EXPECT_EQ(store.size(), states.size());
  std::vector<uint8_t> back(codec.bytes());
  for (const auto& [b, i] : index) {
    EXPECT_TRUE(store.contains(b.data()));
    bool inserted = true;
    EXPECT_EQ(store.insert(b.data(), &inserted), i);
    EXPECT_FALSE(inserted);
    store.load(i, back.data());
    EXPECT_EQ(back, b);
  }
  // parts are shared: far fewer distinct task and CPU parts than states
  EXPECT_LT(store.partValues(PartKind::Task) * 10, states.size());
  EXPECT_LT(store.partValues(PartKind::Cpu) * 2, states.size());
  // a state that differs in one bit of one part is not found
  std::vector<uint8_t> other = states.front();
  other[codec.parts().back().offset] ^= 1;
  if (index.find(other) == index.end()) {
    EXPECT_FALSE(store.contains(other.data()));
  }
  // the tree's inner nodes are shared too: their tables together hold
  // fewer entries than the root's
  if (store.tree()) {
    EXPECT_LT(store.innerValues(), store.size());
  }
}

TEST_P(CollapseStoreLayout, AHintNeverChangesTheResolvedParts) {
  const Config c = test::smallConfig(2, 2, 1);
  const Codec codec(c);
  const auto states = reachablePacked(c, 3000);
  CollapseStore store(codec, GetParam());
  for (size_t k = 0; k < states.size(); k += 2) {  // every other state stored
    store.reserve(1);
    bool inserted;
    store.insert(states[k].data(), &inserted);
  }
  const int np = store.idCount();
  for (size_t k = 1; k < states.size(); ++k) {
    uint32_t plain[CollapseStore::kMaxIds], hinted[CollapseStore::kMaxIds], from[CollapseStore::kMaxIds];
    const uint64_t h = (k * 7919) % store.size();
    std::vector<uint8_t> hp(codec.bytes());
    store.load(h, hp.data());
    store.ids(h, from);
    const CollapseStore::Hint hint{hp.data(), from};
    const bool a = store.resolve(states[k].data(), nullptr, plain);
    const bool b = store.resolve(states[k].data(), &hint, hinted);
    EXPECT_EQ(a, b);
    for (int i = 0; i < np; ++i) EXPECT_EQ(plain[i], hinted[i]) << "state " << k << " part " << i;
    EXPECT_EQ(store.contains(states[k].data()), k % 2 == 0);
  }
}

INSTANTIATE_TEST_SUITE_P(TreeAndFlat, CollapseStoreLayout, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "Tree" : "Flat"; });

// The tree and the flat layout store the same states under the same
// indices, and each loads back what the other stored.
TEST(CollapseStore, TreeAndFlatAgree) {
  const Config c = test::smallConfig(2, 2, 1);
  const Codec codec(c);
  const auto states = reachablePacked(c, 20000);
  CollapseStore tree(codec), flat(codec, false);
  std::vector<uint8_t> a(codec.bytes()), b(codec.bytes());
  for (size_t k = 0; k < states.size(); ++k) {
    const auto& s = states[(k * 7919) % states.size()];  // an order unlike discovery
    tree.reserve(1);
    flat.reserve(1);
    bool in_tree, in_flat;
    const uint64_t i = tree.insert(s.data(), &in_tree), j = flat.insert(s.data(), &in_flat);
    ASSERT_EQ(i, j);
    ASSERT_EQ(in_tree, in_flat);
    tree.load(i, a.data());
    flat.load(j, b.data());
    ASSERT_EQ(a, s);
    ASSERT_EQ(b, s);
  }
  EXPECT_EQ(tree.size(), flat.size());
  // the tree's entries (8 bytes a root and 8 an inner node) take less than
  // the flat layout's (4 bytes a part a state); the hash tables' minimum
  // sizes would hide it at this size (the bytes per state of large searches
  // are in docs/status.md)
  EXPECT_LT(8 * (tree.size() + tree.innerValues()), static_cast<uint64_t>(flat.rootBytes()) * flat.size());
}

TEST(ChunkedArray, KeepsEveryValueAcrossChunks) {
  ChunkedArray<uint32_t> a;
  const uint64_t n = 3 * (1ull << 20) + 17;  // three full chunks and a partial one
  for (uint64_t i = 0; i < n; ++i) a.push_back(static_cast<uint32_t>(i * 2654435761u));
  ASSERT_EQ(a.size(), n);
  const uint64_t k = 1ull << 20;
  for (uint64_t i : std::vector<uint64_t>{0, 1, k - 1, k, k + 1, 2 * k, n - 1})
    EXPECT_EQ(a[i], static_cast<uint32_t>(i * 2654435761u)) << i;
}

}  // namespace
}  // namespace scxmc
