#!/usr/bin/env bash
# gpu-check on the device machine (no .NET, no network; Python with PyTorch and its libtorch, CMake, ninja, nvcc):
#   1. unpacks the bundle (make-bundle.sh): the self-contained gpu-check app and TorchSharp 0.107's src/Native;
#   2. builds TorchSharp's native bridge libLibTorchSharp.so with CMake against the local PyTorch's libtorch;
#   3. runs `Microsoft.ML.Transformer.Benchmarks gpu-check --device cuda` with that bridge and libtorch;
#   4. runs pytorch_cuda_ref.py (the same model in PyTorch eager, fp32/TF32/bf16 autocast) on the same device;
#   5. writes everything to the output folder and prints summary.json (summarize.py) as its last line.
# The device tool brings back at most 8 files from $OUT, so the output folder holds exactly: run.log, native-build.log,
# libLibTorchSharp.so (for a rerun without the build), gpu-check.log, gpu-check.json, pytorch.log, summary.json and
# details.tar.gz (the small files: steps, torch and machine facts, ldd, nvidia-smi samples, the bundle's manifest).
# Every step is logged and timed in steps.tsv; a failed step does not stop the ones that can still run.
# docs/gpu.md has the device command; `--cpu` rehearses it all on the CPU, `--dry-run` only unpacks and checks.
set -uo pipefail

usage() {
    cat <<'USAGE'
usage: bench/gpu/run-on-device.sh [options] [-- gpu-check options]
  --out DIR            output folder (default: $OUT, the device tool's)
  --bundle DIR         the bundle from make-bundle.sh (default: bench/gpu/.bundle)
  --work DIR           where to unpack and build (default: a new folder under /tmp)
  --cpu                rehearse on the CPU: gpu-check --device cpu --quick, the PyTorch side small and on the CPU
  --dry-run            unpack, check the bundle and the tools, print the commands; build and run nothing
  --libtorchsharp F    use this libLibTorchSharp.so instead of building one (e.g. the one a previous run left in its output)
  --libtorch DIR       a folder of libtorch shared libraries to use when Python's torch is not importable (--cpu here:
                       ~/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native)
  --python PY          the Python with torch (default: the first of python3, python, /usr/bin/python3 that imports it)
  --skip-pytorch       do not run pytorch_cuda_ref.py
  --jobs N             build jobs (default: nproc)
  --build-timeout S, --check-timeout S, --ref-timeout S    per-step limits (default 270, 180, 60)
  -h, --help           this text
Anything after -- goes to gpu-check (default: nothing on CUDA, --quick with --cpu).
USAGE
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bundle="$here/.bundle" out="${OUT:-}" work="" mode=cuda dry=0 libtorchsharp="" libtorch="" python="" skip_pytorch=0
jobs=$(nproc 2>/dev/null || echo 4) build_timeout=270 check_timeout=180 ref_timeout=60
check_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=${2:?--out needs a folder}; shift ;;
        --bundle) bundle=${2:?--bundle needs a folder}; shift ;;
        --work) work=${2:?--work needs a folder}; shift ;;
        --cpu) mode=cpu ;;
        --dry-run) dry=1 ;;
        --libtorchsharp) libtorchsharp=${2:?--libtorchsharp needs a file}; shift ;;
        --libtorch) libtorch=${2:?--libtorch needs a folder}; shift ;;
        --python) python=${2:?--python needs a program}; shift ;;
        --skip-pytorch) skip_pytorch=1 ;;
        --jobs) jobs=${2:?--jobs needs a number}; shift ;;
        --build-timeout) build_timeout=${2:?}; shift ;;
        --check-timeout) check_timeout=${2:?}; shift ;;
        --ref-timeout) ref_timeout=${2:?}; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; check_args=("$@"); break ;;
        *) echo "run-on-device.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$out" ]; then echo "run-on-device.sh: no output folder: set OUT or pass --out" >&2; exit 2; fi
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
if [ -z "$work" ]; then
    work=$(mktemp -d /tmp/gpu-check.XXXXXX)
    trap 'rm -rf "$work"' EXIT   # a folder of our own making (about 150 MB unpacked): removed at the end
fi
mkdir -p "$work" && work=$(cd "$work" && pwd)
[ "$mode" = cpu ] && [ ${#check_args[@]} -eq 0 ] && check_args=(--quick)
device=cuda; [ "$mode" = cpu ] && device=cpu
details="$work/details"   # the small files, packed into $out/details.tar.gz at the end
mkdir -p "$details"
if [ -z "$python" ]; then
    for candidate in python3 python /usr/bin/python3; do
        "$candidate" -c 'import torch' >/dev/null 2>&1 && { python=$candidate; break; }
    done
    [ -n "$python" ] || python=python3
fi

: > "$details/steps.tsv"
: > "$out/run.log"
log() { echo "[run-on-device $(date -u +%H:%M:%S)] $*" | tee -a "$out/run.log"; }
# step NAME COMMAND...: runs it, records status and seconds in steps.tsv; returns its exit code
step() {
    local name=$1 start rc; shift
    start=$(date +%s)
    log "step $name: $*"
    "$@"; rc=$?
    printf '%s\t%s\t%s\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo "failed($rc)")" "$(( $(date +%s) - start ))" >> "$details/steps.tsv"
    [ $rc -eq 0 ] || log "step $name failed with exit code $rc"
    return $rc
}
skip() { printf '%s\tskipped\t0\t%s\n' "$1" "$2" >> "$details/steps.tsv"; log "step $1 skipped: $2"; }
extract() {   # extract ARCHIVE DIR: tar with xz, or Python's tarfile where tar has no xz
    mkdir -p "$2"
    if command -v xz >/dev/null 2>&1; then tar -xJf "$1" -C "$2"; else "$python" -m tarfile -e "$1" "$2"; fi
}

log "mode $mode, bundle $bundle, output $out, work $work, dry run $dry"

# 1. the bundle
for file in app.tar.xz torchsharp-native.tar.xz reference/pytorch_ref.py manifest.json; do
    if [ ! -f "$bundle/$file" ]; then
        log "missing $bundle/$file: run bench/gpu/make-bundle.sh here first and carry bench/gpu/.bundle"
        exit 2
    fi
done
cp "$bundle/manifest.json" "$details/bundle-manifest.json"

# 2. the machine: torch, GPU, tools
torch_info() {
    "$python" - <<'PY'
import json, os, torch
info = dict(version=torch.__version__, cuda=torch.version.cuda, cuda_available=torch.cuda.is_available(),
            device_count=torch.cuda.device_count(), cmake_prefix_path=torch.utils.cmake_prefix_path,
            root=os.path.dirname(torch.__file__), cxx11_abi=bool(torch._C._GLIBCXX_USE_CXX11_ABI))
info["lib"] = os.path.join(info["root"], "lib")
info["include"] = os.path.join(info["root"], "include")
if info["cuda_available"]:
    info["gpu"] = torch.cuda.get_device_name(0)
print(json.dumps(info))
PY
}
torch_ok=0
if torch_info > "$details/torch.json" 2> "$details/torch.err"; then torch_ok=1; else rm -f "$details/torch.json"; fi
torch_field() { "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$details/torch.json" "$1"; }
{
    echo "uname: $(uname -a)"; echo "cores: $(nproc)"; echo "python: $("$python" --version 2>&1)"
    for tool in nvidia-smi nvcc cmake ninja g++ xz; do
        if command -v $tool >/dev/null 2>&1; then echo "$tool: $($tool --version 2>&1 | grep -m 1 -E '[0-9]+\.[0-9]+')"; else echo "$tool: absent"; fi
    done
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L
} > "$details/machine.txt" 2>&1
tee -a "$out/run.log" < "$details/machine.txt"
if [ $torch_ok = 1 ]; then log "torch ($python): $(cat "$details/torch.json")"; else log "$python cannot import torch: $(tail -n 1 "$details/torch.err")"; fi
torch_lib=""; [ $torch_ok = 1 ] && torch_lib=$(torch_field lib)
if [ "$mode" = cuda ] && [ $torch_ok = 0 ]; then log "the device run needs PyTorch (python -c 'import torch')"; fi

# 3. unpack
step unpack-app extract "$bundle/app.tar.xz" "$work" || exit 1
step unpack-native extract "$bundle/torchsharp-native.tar.xz" "$work/native" || exit 1
app="$work/app/Microsoft.ML.Transformer.Benchmarks"
[ -x "$app" ] || { log "the bundle has no executable app/Microsoft.ML.Transformer.Benchmarks"; exit 1; }

# 4. TorchSharp's native bridge
native_src="$work/native/src/Native" native_build="$work/native-build"
build_libtorchsharp() {
    local prefix include std=17
    prefix=$(torch_field cmake_prefix_path); include=$(torch_field include)
    # TorchSharp builds with -Werror; newer libtorch headers add deprecation warnings it has not seen yet
    sed -i 's/^\( *\)add_definitions(-Werror)/\1# gpu-check: -Werror dropped/' "$native_src/CMakeLists.txt"
    # libtorch from 2.14 on requires C++20 (ATen/ATen.h says so); TorchSharp 0.107 asks for C++17
    if grep -qs '202002L' "$include/ATen/ATen.h" "$include/torch/all.h"; then std=20; fi
    sed -i "s/-std=c++17/-std=c++$std/; s/CXX_STANDARD 17/CXX_STANDARD $std/" "$native_src/LibTorchSharp/CMakeLists.txt"
    # TorchSharp hard-codes the C++11 string ABI; follow the one this libtorch was built with
    if [ "$(torch_field cxx11_abi)" = False ]; then
        sed -i 's/_GLIBCXX_USE_CXX11_ABI=1/_GLIBCXX_USE_CXX11_ABI=0/' "$native_src/CMakeLists.txt"
    fi
    log "LibTorchSharp: C++$std, libtorch $(torch_field version) from $prefix"
    local configure=(cmake -S "$native_src" -B "$native_build" -G Ninja -DCMAKE_BUILD_TYPE=Release)
    if ! timeout "$build_timeout" "${configure[@]}" -DCMAKE_PREFIX_PATH="$prefix" -DLIBTORCH_PATH="$prefix/Torch"; then
        log "configure with PyTorch's TorchConfig.cmake failed; again with bench/gpu/cmake/TorchConfig.cmake (headers and libraries only)"
        rm -rf "$native_build"
        timeout "$build_timeout" "${configure[@]}" -DTorch_DIR="$here/cmake" -DLIBTORCH_PATH="$here/cmake" -DTORCH_ROOT="$(torch_field root)" || return 1
    fi
    timeout "$build_timeout" ninja -C "$native_build" -j "$jobs" LibTorchSharp || return 1
    libtorchsharp="$native_build/LibTorchSharp/libLibTorchSharp.so"
    strip --strip-unneeded "$libtorchsharp" 2>/dev/null
    cp "$libtorchsharp" "$out/libLibTorchSharp.so"   # comes back with the output: a rerun can pass it to --libtorchsharp
}
if [ -n "$libtorchsharp" ]; then
    skip build-libtorchsharp "given: $libtorchsharp"
elif [ $dry = 1 ]; then
    skip build-libtorchsharp "dry run: would run cmake -S $native_src -B $native_build -G Ninja against $( [ $torch_ok = 1 ] && torch_field cmake_prefix_path || echo '(no torch)'), then ninja LibTorchSharp"
elif [ $torch_ok = 0 ]; then
    skip build-libtorchsharp "python cannot import torch, and no --libtorchsharp"
else
    step build-libtorchsharp build_libtorchsharp > "$out/native-build.log" 2>&1
    tail -n 5 "$out/native-build.log" | tee -a "$out/run.log"
fi
if [ -n "$libtorchsharp" ] && [ -f "$libtorchsharp" ]; then
    cp "$libtorchsharp" "$work/app/libLibTorchSharp.so"
fi

# 5. the check program, with the bridge and libtorch found through the app folder and LD_LIBRARY_PATH
# an explicit --libtorch comes first: it must win over the libtorch of whatever PyTorch the machine has
export LD_LIBRARY_PATH="${libtorch:+$libtorch:}${torch_lib:+$torch_lib:}${LD_LIBRARY_PATH:-}"
check=("$app" gpu-check --device "$device" --json "$out/gpu-check.json" "${check_args[@]}")
sampler=""
if [ $dry = 1 ]; then
    skip gpu-check "dry run: would run LD_LIBRARY_PATH=$LD_LIBRARY_PATH ${check[*]}"
elif [ ! -f "$work/app/libLibTorchSharp.so" ]; then
    skip gpu-check "no libLibTorchSharp.so (build failed or skipped)"
else
    ldd "$work/app/libLibTorchSharp.so" > "$details/ldd-libtorchsharp.txt" 2>&1
    grep -q "not found" "$details/ldd-libtorchsharp.txt" && log "unresolved libraries: $(grep 'not found' "$details/ldd-libtorchsharp.txt" | tr '\n' ' ')"
    if [ "$mode" = cuda ] && command -v nvidia-smi >/dev/null 2>&1; then
        (while :; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits; sleep 0.5; done) > "$details/gpu-memory.samples" 2>/dev/null &
        sampler=$!
    fi
    step gpu-check timeout "$check_timeout" "${check[@]}" > "$out/gpu-check.log" 2>&1
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
    grep -E "FAIL|failed|gpu-check:" "$out/gpu-check.log" | tail -n 8 | tee -a "$out/run.log"
fi

# 6. the PyTorch side on the same device (--cpu: the --quick shapes)
reference=("$python" "$here/pytorch_cuda_ref.py" --ref "$bundle/reference/pytorch_ref.py" --device "$device")
[ "$mode" = cpu ] && reference+=(--warmup 1 --windows 1 --steps 2 --vocab 1000 --d-model 32 --heads 2 --layers 1 --ff 64 --seq-len 32 --batch 8 --infer-batch 32)
if [ $skip_pytorch = 1 ]; then
    skip pytorch-reference "--skip-pytorch"
elif [ $dry = 1 ]; then
    skip pytorch-reference "dry run: would run ${reference[*]}"
elif [ $torch_ok = 0 ]; then
    skip pytorch-reference "python cannot import torch"
else
    step pytorch-reference timeout "$ref_timeout" "${reference[@]}" > "$out/pytorch.log" 2>&1
    tail -n 3 "$out/pytorch.log" | cut -c 1-300 | tee -a "$out/run.log"
fi

# 7. the summary (last line: one JSON document), and the small files packed
"$python" "$here/summarize.py" "$out" --details "$details" --mode "$mode" $([ $dry = 1 ] && echo --dry-run)
status=$?
tar -C "$details" -czf "$out/details.tar.gz" .
exit $status
