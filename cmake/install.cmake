# What `cmake --install` puts under the prefix for users of the library (README "Install the library"):
#   lib/libcoffre.so.0.1.0 + libcoffre.so.0 (component coffre_Runtime), or lib/libcoffre.a with BUILD_SHARED_LIBS=OFF
#   include/coffre.h (C ABI), include/coffre/*.hpp (C++ API), coffre/export.h, coffre/version.h
#   lib/cmake/coffre/  the CMake package `coffre`: targets coffre::coffre (C++) and coffre::c (C ABI);
#                      coffreConfigVersion.cmake (SameMajorVersion)
#   lib/pkgconfig/coffre.pc
# The shared and the static library can share one prefix (two builds, two installs): each installs its own
# coffre-shared-targets.cmake / coffre-static-targets.cmake, and coffreConfig.cmake picks one (cmake/coffreConfig.cmake.in).
include(CMakePackageConfigHelpers)

get_target_property(coffre_library coffre::coffre ALIASED_TARGET)
if(BUILD_SHARED_LIBS)
  set(coffre_flavour shared)
else()
  set(coffre_flavour static)
endif()
set(coffre_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/coffre")
set(coffre_package_dir "${PROJECT_BINARY_DIR}/package")

install(TARGETS ${coffre_library} coffre_c_api EXPORT coffre-${coffre_flavour}-targets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT coffre_Runtime NAMELINK_COMPONENT coffre_Development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT coffre_Development
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT coffre_Runtime)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/lib/include/coffre" "${COFFRE_GENERATED_INCLUDE}/coffre"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT coffre_Development)
install(FILES "${PROJECT_SOURCE_DIR}/bindings/c/include/coffre.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT coffre_Development)

install(EXPORT coffre-${coffre_flavour}-targets NAMESPACE coffre:: DESTINATION "${coffre_cmake_dir}"
        COMPONENT coffre_Development)
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/coffreConfig.cmake.in"
                              "${coffre_package_dir}/coffreConfig.cmake" INSTALL_DESTINATION "${coffre_cmake_dir}")
# SameMajorVersion: find_package(coffre 0.1) accepts any 0.x >= 0.1, as the soname (libcoffre.so.0) does.
write_basic_package_version_file("${coffre_package_dir}/coffreConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${coffre_package_dir}/coffreConfig.cmake" "${coffre_package_dir}/coffreConfigVersion.cmake"
        DESTINATION "${coffre_cmake_dir}" COMPONENT coffre_Development)

# coffre.pc. Libs.private: what a static link adds, the C++ runtime (compiler-specific: CMake knows it) and threads.
set(coffre_pc_libs_private "")
foreach(lib IN LISTS CMAKE_CXX_IMPLICIT_LINK_LIBRARIES)
  if(NOT lib IN_LIST CMAKE_C_IMPLICIT_LINK_LIBRARIES AND NOT "-l${lib}" IN_LIST coffre_pc_libs_private)
    list(APPEND coffre_pc_libs_private "-l${lib}")
  endif()
endforeach()
list(APPEND coffre_pc_libs_private ${CMAKE_THREAD_LIBS_INIT})
list(JOIN coffre_pc_libs_private " " coffre_pc_libs_private)
# The prefix is only known at install time (cmake --install --prefix): @PREFIX@ is filled in then.
set(COFFRE_PC_PREFIX "@PREFIX@")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(COFFRE_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(COFFRE_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file("${CMAKE_CURRENT_LIST_DIR}/coffre.pc.in" "${coffre_package_dir}/coffre.pc.in" @ONLY)
install(CODE "
  file(READ \"${coffre_package_dir}/coffre.pc.in\" pc)
  string(REPLACE \"@PREFIX@\" \"\${CMAKE_INSTALL_PREFIX}\" pc \"\${pc}\")
  file(WRITE \"${coffre_package_dir}/coffre.pc\" \"\${pc}\")" COMPONENT coffre_Development)
install(FILES "${coffre_package_dir}/coffre.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
        COMPONENT coffre_Development)
