// The processor's prefetch hint, which Swift does not expose: the state store asks for the
// cache lines of its next lookups while it compares the current ones (ExactStore.findAll).
// And its spin-wait hint, for the explorer's threads waiting a few microseconds for each
// other (Crew).
#ifndef COMMITCHECK_PREFETCH_H
#define COMMITCHECK_PREFETCH_H

static inline void commitcheck_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

// The same for a line about to be written: asked for exclusively, so that the write need not
// take it from the other core's cache afterwards. PREFETCHW is a no-op on x86 processors that
// lack it.
static inline void commitcheck_prefetch_write(const void *address) {
#if defined(__x86_64__)
  __asm__ __volatile__("prefetchw %0" : : "m"(*(const char *)address));
#else
  __builtin_prefetch(address, 1, 3);
#endif
}

static inline void commitcheck_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#endif
