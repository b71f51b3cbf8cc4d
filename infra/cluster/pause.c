/*
 * The pod sandbox process. registry.k8s.io/pause cannot be pulled here, so the cluster test
 * builds this (static, a few hundred KB) into a one-file image: sleep until a signal, reap
 * nothing (the sandbox shares no PID namespace), exit 0 on SIGTERM/SIGINT as pause does.
 */
#include <signal.h>
#include <unistd.h>

static void stop(int sig) { (void)sig; _exit(0); }

int main(void) {
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  for (;;) pause();
}
