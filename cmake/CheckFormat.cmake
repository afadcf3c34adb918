# Fails when any C or C++ source under the project's own folders is not clang-formatted.
file(GLOB_RECURSE sources
    ${SOURCE_DIR}/schema/*.cpp ${SOURCE_DIR}/schema/*.h
    ${SOURCE_DIR}/capture/*.cpp ${SOURCE_DIR}/capture/*.h ${SOURCE_DIR}/capture/*.c
    ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/app/*.h
    ${SOURCE_DIR}/team/*.cpp ${SOURCE_DIR}/team/*.h
    ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${sources}
    RESULT_VARIABLE result ERROR_VARIABLE diagnostics)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "clang-format would change these files (run clang-format -i):\n${diagnostics}")
endif()
