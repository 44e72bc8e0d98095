/*
 * nosync.c - an LD_PRELOAD shim for the benchmark's archive generator only: fsync and
 * fdatasync return at once. Generating 30 000 bundles otherwise waits on the disk five times
 * per filing (the bundle, its folder, the ledger, its folder, the index); the archive it makes
 * is the same, and it is verified before it is measured. Never used for the measured
 * commands themselves.
 */
#include <unistd.h>

int fsync(int fd)
{
    (void)fd;
    return 0;
}

int fdatasync(int fd)
{
    (void)fd;
    return 0;
}
