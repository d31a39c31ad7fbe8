#!/usr/bin/env bash
# Packs what scripts/gpuCheck.sh needs on a GPU machine that has no Node and no network, small enough for a
# 64 MiB carry: .tools/gpucarry.tar.xz (this machine's node binary + the few node_modules the check loads, linux-x64
# onnxruntime only, ~37 MB), .tools/vulkan/libvulkan.so.1 (Debian libvulkan1, 0.5 MB; WebGPU on Linux needs a
# Vulkan loader), .tools/uselite.tar.xz (models/use-lite, ~26 MB) when that model is built, and .tools/gpudata.tar.xz
# (wiki11k + three elevant files from ../shared/data, ~1 MB, for the 5,000-word document). Also compiles out/ and
# packs the part the check runs (out/src, out/scripts, out/test/fixtures; ~0.8 MB) as .tools/gpuout.tar.xz.
# Carry: .tools/gpuout.tar.xz .tools/gpucarry.tar.xz .tools/vulkan .tools/uselite.tar.xz .tools/gpudata.tar.xz
# then run: bash scripts/gpuCheck.sh
set -eu
cd "$(dirname "$0")/.."
REPO="$PWD"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
npx tsc -p tsconfig.json --outDir out >/dev/null 2>&1 || true
test -f out/scripts/gpuCheck.js

NM="$STAGE/.tools/gpunm/node_modules"
mkdir -p "$STAGE/.tools/node/bin" "$NM/@huggingface" "$NM/onnxruntime-node/bin/napi-v6/linux" "$NM/protobufjs"
cp "$(command -v node)" "$STAGE/.tools/node/bin/node"
cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist "$NM/onnxruntime-node/"
cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 "$NM/onnxruntime-node/bin/napi-v6/linux/"
cp -r node_modules/onnxruntime-common node_modules/onnx-proto node_modules/@protobufjs node_modules/long "$NM/"
# The linker's lexical index (gpuCheckLink links a document).
cp -r node_modules/minisearch "$NM/"
cp -r node_modules/@huggingface/tokenizers "$NM/@huggingface/"
# protobufjs's cli folder (20 MB) is not needed to write a model.
(cd node_modules/protobufjs && for f in *; do [ "$f" = cli ] || cp -r "$f" "$NM/protobufjs/"; done)
mkdir -p .tools
tar -C "$STAGE" -cf - .tools | xz -T0 -6 > .tools/gpucarry.tar.xz

if [ ! -f .tools/vulkan/libvulkan.so.1 ]; then
  (cd "$STAGE" && apt-get download libvulkan1 >/dev/null && dpkg-deb -x libvulkan1_*.deb vk)
  mkdir -p .tools/vulkan
  cp -L "$STAGE"/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1 .tools/vulkan/
fi
if [ -f models/use-lite/model.onnx ]; then
  tar -cf - models/use-lite/manifest.json models/use-lite/model.onnx models/use-lite/vocab.json | xz -T0 -6 > .tools/uselite.tar.xz
fi
if [ -f ../shared/data/wiki11k/Wiki.txt ]; then
  mkdir -p "$STAGE/data/.tools/gpudata/wiki11k" "$STAGE/data/.tools/gpudata/elevant"
  cp ../shared/data/wiki11k/Wiki.txt "$STAGE/data/.tools/gpudata/wiki11k/"
  for f in news-fair wiki-fair reuters-128; do cp "../shared/data/elevant/$f.benchmark.jsonl" "$STAGE/data/.tools/gpudata/elevant/"; done
  tar -C "$STAGE/data" -cf - .tools/gpudata | xz -T0 -6 > .tools/gpudata.tar.xz
fi
tar -cf - out/src out/scripts out/test/fixtures | xz -T0 -9 > .tools/gpuout.tar.xz
du -cb -s .tools/gpuout.tar.xz .tools/gpucarry.tar.xz .tools/vulkan .tools/uselite.tar.xz .tools/gpudata.tar.xz 2>/dev/null | tail -1 | awk '{ printf "carry total %.1f MiB (limit 64)\n", $1 / 1048576 }'
echo "$REPO: carry .tools/gpuout.tar.xz .tools/gpucarry.tar.xz .tools/vulkan .tools/uselite.tar.xz .tools/gpudata.tar.xz; run bash scripts/gpuCheck.sh"
