// Everything is in include/ByteScan.h (inline); a C target needs a source file.
#include "ByteScan.h"
