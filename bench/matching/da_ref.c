/* Plain C student-proposing deferred acceptance: the reference the engine is timed against.
 * Same algorithm, same input (eligible preferences in CSR form with priority keys and the
 * order in which students enter, written by bench_da.py): a stack of free students, a binary
 * max-heap of held keys per offer.
 * Prints the solve time in seconds (input reading excluded) and a checksum of the result.
 *   gcc -O2 -o da_ref da_ref.c && ./da_ref instance.bin
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t *rd(FILE *f, int64_t count) {
    int64_t *a = malloc(sizeof(int64_t) * (count ? count : 1));
    if (fread(a, sizeof(int64_t), count, f) != (size_t)count) { perror("read"); exit(1); }
    return a;
}

int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb");
    int64_t hdr[3];
    if (!f || fread(hdr, sizeof(int64_t), 3, f) != 3) { perror("open"); return 1; }
    int64_t n = hdr[0], m = hdr[1], E = hdr[2];
    int64_t *cap = rd(f, m), *ptr = rd(f, n + 1), *off = rd(f, E), *key = rd(f, E);
    int64_t *order = rd(f, n);
    fclose(f);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int64_t *start = malloc(sizeof(int64_t) * (m + 1)), *cnt = calloc(m, sizeof(int64_t));
    start[0] = 0;
    for (int64_t o = 0; o < m; o++) start[o + 1] = start[o] + cap[o];
    int64_t *heap = malloc(sizeof(int64_t) * (start[m] ? start[m] : 1)); /* entries */
    int64_t *nxt = malloc(sizeof(int64_t) * n), *at = malloc(sizeof(int64_t) * n);
    int64_t *stack = malloc(sizeof(int64_t) * n), top = 0;
    int64_t *owner = malloc(sizeof(int64_t) * (E ? E : 1));
    for (int64_t s = 0; s < n; s++) {
        nxt[s] = ptr[s]; at[s] = -1;
        for (int64_t k = ptr[s]; k < ptr[s + 1]; k++) owner[k] = s;
    }
    for (int64_t i = n - 1; i >= 0; i--) stack[top++] = order[i];
    while (top) {
        int64_t s = stack[--top];
        if (nxt[s] == ptr[s + 1]) continue;
        int64_t k = nxt[s]++;
        int64_t o = off[k], *h = heap + start[o], c = cnt[o];
        if (c < cap[o]) { /* sift up */
            int64_t i = c;
            while (i > 0 && key[h[(i - 1) / 2]] < key[k]) { h[i] = h[(i - 1) / 2]; i = (i - 1) / 2; }
            h[i] = k; cnt[o] = c + 1; at[s] = k;
        } else if (c > 0 && key[h[0]] > key[k]) { /* replace the worst, sift down */
            int64_t loser = owner[h[0]], i = 0;
            at[loser] = -1; stack[top++] = loser;
            for (;;) {
                int64_t l = 2 * i + 1, r = l + 1, big = i;
                int64_t kb = key[k];
                if (l < c && key[h[l]] > kb) big = l;
                if (r < c && key[h[r]] > (big == i ? kb : key[h[big]])) big = r;
                if (big == i) break;
                h[i] = h[big]; i = big;
            }
            h[i] = k; at[s] = k;
        } else {
            stack[top++] = s;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t sum = 0, assigned = 0;
    for (int64_t s = 0; s < n; s++) if (at[s] >= 0) { sum += at[s]; assigned++; }
    printf("%.6f %lld %lld\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9,
           (long long)assigned, (long long)sum);
    return 0;
}
