/* beian/version.h - the version of beian, as printed by --version and in provenance. */
#ifndef BEIAN_VERSION_H
#define BEIAN_VERSION_H

#define BEIAN_VERSION "0.1.0"

#endif
