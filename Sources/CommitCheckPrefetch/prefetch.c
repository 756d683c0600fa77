// Everything is in the header: SwiftPM builds a C target only from a source file.
#include "CommitCheckPrefetch.h"
