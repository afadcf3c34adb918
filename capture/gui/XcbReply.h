#pragma once

#include <cstdlib>
#include <memory>

namespace trailmark::capture {

// An xcb reply, which the caller frees with free().
template <typename T> struct FreeReply
{
    void operator()(T* reply) const { std::free(reply); }
};
template <typename T> using Reply = std::unique_ptr<T, FreeReply<T>>;

} // namespace trailmark::capture
