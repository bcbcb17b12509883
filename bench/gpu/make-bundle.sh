#!/usr/bin/env bash
# Makes bench/gpu/.bundle (git-ignored), what the device machine needs besides the working tree and its own PyTorch:
#   app.tar.xz                the benchmarks app (gpu-check among its subcommands), published self-contained for
#                             linux-x64 (the device has no .NET), without TorchSharp's native bridge and without a
#                             libtorch: run-on-device.sh builds the bridge there against the device's libtorch
#   torchsharp-native.tar.xz  src/Native of dotnet/TorchSharp at the commit of its 0.107.0 release (the bridge's source)
#   reference/pytorch_ref.py  ../shared/reference/pytorch_ref.py (shared/ does not travel to the device)
#   manifest.json             what went in, with sizes
# The whole bundle must stay under 60 MiB: the device tool carries at most 64 MiB, working tree included.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: bench/gpu/make-bundle.sh [--torchsharp-git DIR] [--reference FILE] [--out DIR]
  --torchsharp-git DIR  a git directory of dotnet/TorchSharp holding the 0.107.0 commit (default: $TORCHSHARP_GIT, or
                        /work/.mirror/dotnet+TorchSharp/repo, where the search tool's fetch github:dotnet/TorchSharp puts it)
  --reference FILE      pytorch_ref.py (default: ../shared/reference/pytorch_ref.py, else /work/shared/reference/pytorch_ref.py)
  --out DIR             the bundle folder (default: bench/gpu/.bundle)
USAGE
}

# "Update release notes (#1565)", 2026-05-07: BranchInfo.props says 0.107.0, and the native exports of this tree match
# the libLibTorchSharp.so of the TorchSharp 0.107.0 package (1,164 THS* symbols; TorchSharp tags no releases).
readonly TORCHSHARP_COMMIT=c20b6a1cc574d690707638a488d2583f3b8b983f
readonly LIMIT_BYTES=$((60 * 1024 * 1024))

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
git_dir=${TORCHSHARP_GIT:-/work/.mirror/dotnet+TorchSharp/repo}
reference="" bundle="$repo/bench/gpu/.bundle"
while [ $# -gt 0 ]; do
    case "$1" in
        --torchsharp-git) git_dir=${2:?}; shift ;;
        --reference) reference=${2:?}; shift ;;
        --out) bundle=${2:?}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "make-bundle.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$reference" ]; then
    for candidate in "$repo/../shared/reference/pytorch_ref.py" /work/shared/reference/pytorch_ref.py; do
        [ -f "$candidate" ] && { reference=$candidate; break; }
    done
fi
[ -f "${reference:-}" ] || { echo "make-bundle.sh: pytorch_ref.py not found; pass --reference" >&2; exit 2; }
if ! git --git-dir="$git_dir" cat-file -e "$TORCHSHARP_COMMIT^{commit}" 2>/dev/null; then
    echo "make-bundle.sh: $git_dir lacks TorchSharp commit $TORCHSHARP_COMMIT; fetch github:dotnet/TorchSharp (search tool) or pass --torchsharp-git" >&2
    exit 2
fi

staging=$(mktemp -d /tmp/gpu-bundle.XXXXXX)
trap 'rm -rf "$staging"' EXIT
rm -rf "$bundle.new"
mkdir -p "$bundle.new/reference"

echo "publishing the benchmarks app, self-contained linux-x64, no native torch ..."
# UsesTorchNative=false: no TorchSharp-cpu (its libtorch is 600 MB and the wrong one); InvariantGlobalization: the
# device may lack ICU; the TorchSharp package's own prebuilt bridge is removed below (it is linked to libtorch 2.10).
dotnet publish "$repo/bench/Microsoft.ML.Transformer.Benchmarks" -c Release -r linux-x64 --self-contained true \
    -p:UsesTorchNative=false -p:InvariantGlobalization=true -p:TorchSharpNativeFixMode=Never \
    -o "$staging/app" -nologo -v quiet
rm -f "$staging/app/libLibTorchSharp.so"
# ONNX Runtime serves encoder-check only (gpu-check never loads it; its package even puts a Windows onnxruntime.dll
# here), and debug symbols serve no one on the device
rm -f "$staging/app"/libonnxruntime*.so "$staging/app"/onnxruntime*.dll
find "$staging/app" \( -name '*.pdb' -o -name '*.dbg' \) -delete
tar -C "$staging" -cf - app | xz -9 -T0 > "$bundle.new/app.tar.xz"

echo "extracting TorchSharp src/Native at $TORCHSHARP_COMMIT ..."
git --git-dir="$git_dir" archive --format=tar "$TORCHSHARP_COMMIT" src/Native | xz -9 > "$bundle.new/torchsharp-native.tar.xz"
cp "$reference" "$bundle.new/reference/pytorch_ref.py"

total=$(du -cb "$bundle.new"/*.tar.xz "$bundle.new/reference/pytorch_ref.py" | tail -n 1 | cut -f 1)
cat > "$bundle.new/manifest.json" <<JSON
{"made_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "repo_commit": "$(git -C "$repo" rev-parse HEAD)", "repo_dirty": $([ -z "$(git -C "$repo" status --porcelain -- src bench)" ] && echo false || echo true),
 "torchsharp_commit": "$TORCHSHARP_COMMIT", "app_files": $(find "$staging/app" -type f | wc -l), "app_unpacked_bytes": $(du -sb "$staging/app" | cut -f 1),
 "app_tar_xz_bytes": $(stat -c %s "$bundle.new/app.tar.xz"), "native_tar_xz_bytes": $(stat -c %s "$bundle.new/torchsharp-native.tar.xz"),
 "total_bytes": $total, "limit_bytes": $LIMIT_BYTES}
JSON
rm -rf "$bundle"
mv "$bundle.new" "$bundle"
cat "$bundle/manifest.json"
if [ "$total" -gt "$LIMIT_BYTES" ]; then
    echo "make-bundle.sh: the bundle is $total bytes, over the $LIMIT_BYTES limit" >&2
    exit 1
fi
echo "bundle: $bundle, $((total / 1024 / 1024)) MiB ($total bytes) of the $((LIMIT_BYTES / 1024 / 1024)) MiB limit"
