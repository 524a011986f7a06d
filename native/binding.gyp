{
  # Builds the libtorch addon. LIBTORCH=/path selects another libtorch
  # distribution (an official CUDA build, or a Python torch's torch/ folder);
  # by default Debian's libtorch-dev under /usr is used.
  "variables": {
    "libtorch%": "<!(node -p \"process.env.LIBTORCH || ''\")",
    "cxx11abi%": "<!(node -p \"process.env.LIBTORCH_CXX11_ABI || '1'\")",
    "cxxstd%": "<!(node -p \"process.env.PFD_CXX_STD || 'c++17'\")",
    # c10d process groups (src/distributed.cc) need Gloo's headers: Debian's libgloo-dev,
    # or a libtorch distribution that ships include/gloo. PFD_DIST=0 leaves them out.
    "dist%": "<!(node -p \"const fs=require('fs');const t=process.env.LIBTORCH;process.env.PFD_DIST==='0'?0:(fs.existsSync((t?t+'/include':'/usr/include')+'/gloo/context.h')?1:0)\")"
  },
  "targets": [
    {
      "target_name": "pfd_torch",
      "sources": [
        "src/addon.cc",
        "src/tensor_handle.cc",
        "src/convert.cc",
        "src/dispatch.cc",
        "src/tensor_fns.cc",
        "src/caching_allocator.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=<(cxxstd)", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "conditions": [
        ["dist==1", { "sources": ["src/distributed.cc"], "defines": ["PFD_WITH_DIST"] }],
        ["cxx11abi=='0'", { "defines": ["_GLIBCXX_USE_CXX11_ABI=0"] }],
        ["libtorch==''", {
          "include_dirs": ["/usr/include", "/usr/include/torch/csrc/api/include"],
          "libraries": ["-ltorch", "-ltorch_cpu", "-lc10"]
        }, {
          "include_dirs": ["<(libtorch)/include", "<(libtorch)/include/torch/csrc/api/include"],
          "libraries": [
            "-L<(libtorch)/lib", "-Wl,-rpath,<(libtorch)/lib",
            "-Wl,--no-as-needed", "-ltorch", "-ltorch_cpu", "-lc10",
            "<!(node -e \"const fs=require('fs');const l=process.env.LIBTORCH+'/lib/';console.log(['torch_cuda','c10_cuda'].filter(n=>fs.existsSync(l+'lib'+n+'.so')).map(n=>'-l'+n).join(' '))\")",
            "-Wl,--as-needed"
          ]
        }]
      ]
    }
  ]
}
