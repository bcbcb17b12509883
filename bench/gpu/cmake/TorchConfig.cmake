# Fallback Torch package for building TorchSharp's LibTorchSharp when the PyTorch install's own TorchConfig.cmake does
# not configure (it also looks for a matching CUDA toolkit, cuDNN and NVTX, which the bridge does not need: it only
# includes libtorch's headers and links its libraries). run-on-device.sh passes -DTorch_DIR=<this folder> and
# -DTORCH_ROOT=<the torch package folder, torch/ in site-packages> after the first configure failed.
if(NOT TORCH_ROOT OR NOT EXISTS "${TORCH_ROOT}/include/torch")
  message(FATAL_ERROR "TORCH_ROOT must be the torch package folder (with include/torch and lib/); got '${TORCH_ROOT}'")
endif()

set(TORCH_INCLUDE_DIRS "${TORCH_ROOT}/include" "${TORCH_ROOT}/include/torch/csrc/api/include")
# --no-as-needed: keep libtorch_cuda a dependency although no symbol of it is referenced (it registers the CUDA kernels)
set(TORCH_LIBRARIES "-Wl,--no-as-needed")
foreach(name torch torch_cpu c10 torch_cuda c10_cuda)
  if(EXISTS "${TORCH_ROOT}/lib/lib${name}.so")
    list(APPEND TORCH_LIBRARIES "${TORCH_ROOT}/lib/lib${name}.so")
  endif()
endforeach()
list(APPEND TORCH_LIBRARIES "-Wl,--as-needed")
set(TORCH_CXX_FLAGS "")
set(Torch_FOUND TRUE)
message(STATUS "Torch (gpu-check fallback): ${TORCH_ROOT}")
