# The layers of docs/design.md, checked by the build: each probe is one source file compiled
# (or linked) as if it were part of a module. An include of a module below, or of the
# module's own private header, must compile; an include of a module above, of another
# module's private header, or of PETSc from a module that knows no PETSc must fail with
# "No such file"; a call into a module above must fail to link. Every probe is a ctest
# (layers_*), built on demand and one at a time (they share the build tree).

set(FF_PROBE_DIR ${CMAKE_BINARY_DIR}/layer-probes)
file(MAKE_DIRECTORY ${FF_PROBE_DIR})

# module: the module the probe belongs to; header: what it includes;
# expect: PASS (compiles) or FAIL (the header is not found).
function(ff_include_probe module header expect)
  string(REGEX REPLACE "[^A-Za-z0-9_]" "_" tag "${module}_${header}")
  set(src ${FF_PROBE_DIR}/include_${tag}.c)
  file(WRITE ${src} "#include \"${header}\"\nint ff_layer_probe_${tag}(void) { return 0; }\n")
  add_library(probe_include_${tag} OBJECT EXCLUDE_FROM_ALL ${src})
  get_property(dir GLOBAL PROPERTY FF_MODULE_DIR_${module})
  target_include_directories(probe_include_${tag} PRIVATE ${CMAKE_SOURCE_DIR}/${dir})
  target_link_libraries(probe_include_${tag} PRIVATE ${module})
  set(test layers_${module}_includes_${header})
  add_test(NAME ${test} COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target probe_include_${tag})
  if(expect STREQUAL "FAIL")
    set_tests_properties(${test} PROPERTIES PASS_REGULAR_EXPRESSION "${header}: No such file or directory")
  endif()
  set_tests_properties(${test} PROPERTIES RESOURCE_LOCK build-tree LABELS layers)
endfunction()

# A shared library of the module's kind that calls `function`, linked like the module.
function(ff_link_probe module function expect)
  set(src ${FF_PROBE_DIR}/link_${module}_${function}.c)
  file(WRITE ${src} "int ${function}();\nint ff_layer_probe(void) { return ${function}(); }\n")
  add_library(probe_link_${module}_${function} SHARED EXCLUDE_FROM_ALL ${src})
  target_link_libraries(probe_link_${module}_${function} PRIVATE ${module})
  target_link_options(probe_link_${module}_${function} PRIVATE -Wl,--no-undefined)
  set(test layers_${module}_calls_${function})
  add_test(NAME ${test} COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target probe_link_${module}_${function})
  if(expect STREQUAL "FAIL")
    set_tests_properties(${test} PROPERTIES PASS_REGULAR_EXPRESSION "undefined reference to `${function}'")
  endif()
  set_tests_properties(${test} PROPERTIES RESOURCE_LOCK build-tree LABELS layers)
endfunction()

# Controls: the probes work (a module sees itself and what it uses).
ff_include_probe(ff_solvers ff_mesh.h PASS)
ff_include_probe(ff_sweep sweep_private.h PASS)
ff_include_probe(ff_report ff_flow.h PASS)
ff_link_probe(ff_solvers FFMeshCreate PASS)
# Against the layers.
ff_include_probe(ff_util ff_petsc.h FAIL)        # util is plain C
ff_include_probe(ff_nn petscsys.h FAIL)          # the nn core knows no PETSc
ff_include_probe(ff_nn ff_io.h FAIL)
ff_include_probe(ff_io ff_mesh.h FAIL)
ff_include_probe(ff_meshes ff_solver.h FAIL)
ff_include_probe(ff_solvers ff_surrogate.h FAIL) # solvers never include surrogates
ff_include_probe(ff_solvers ff_sweep.h FAIL)
ff_include_probe(ff_sweep solver_private.h FAIL) # another module's private header
ff_include_probe(ff_models ff_train.h FAIL)      # the rooms: models < train < flow < report
ff_include_probe(ff_train ff_flow.h FAIL)
ff_include_probe(ff_flow ff_report.h FAIL)
ff_include_probe(ff_flow models_private.h FAIL)
ff_include_probe(ff_report cli_private.h FAIL)   # nothing includes the CLI
ff_link_probe(ff_solvers FFSurrogateCreate FAIL)
ff_link_probe(ff_nn PetscInitialize FAIL)
