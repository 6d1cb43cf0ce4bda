/*
 * Benchmark guest (k): walks a directory tree, reads every regular file and prints one line
 * per file: "<fnv1a-64 hex> <size> <path>". Entries are visited in sorted order so the output
 * is the same under every host. Exits 0 on success, or with the errno of the first failure.
 *
 * Usage: walk <root>
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char buf[64 * 1024];

static int fail(const char *what, const char *path) {
  int e = errno ? errno : 1;
  fprintf(stderr, "walk: %s %s: %s\n", what, path, strerror(e));
  exit(e);
}

static void sum_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail("open", path);
  uint64_t h = 0xcbf29ce484222325ULL;
  uint64_t size = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) fail("read", path);
    if (n == 0) break;
    for (ssize_t i = 0; i < n; i++) {
      h ^= buf[i];
      h *= 0x100000001b3ULL;
    }
    size += (uint64_t)n;
  }
  close(fd);
  printf("%016llx %llu %s\n", (unsigned long long)h, (unsigned long long)size, path);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) fail("opendir", dir);
  size_t n = 0, cap = 64;
  char **names = malloc(cap * sizeof *names);
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  if (errno) fail("readdir", dir);
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) != 0) fail("stat", path);
    if (S_ISDIR(st.st_mode)) walk(path);
    else if (S_ISREG(st.st_mode)) sum_file(path);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: walk <root>\n");
    return 2;
  }
  walk(argv[1]);
  return fflush(stdout) == 0 ? 0 : errno;
}
