#include "ollama-netcfg/util/fd.hpp"

#include <unistd.h>

namespace netcfg {

void UniqueFd::reset(int fd) {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

} // namespace netcfg
