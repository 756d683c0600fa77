// The processor's prefetch hint, which Swift does not expose: the state store asks for the
// cache lines of its next lookups while it compares the current ones (StateStore.findAll).
#ifndef COMMITCHECK_PREFETCH_H
#define COMMITCHECK_PREFETCH_H

static inline void commitcheck_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#endif
