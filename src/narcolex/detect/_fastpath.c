/*
 * The scanner's clean-post fast path, in C.
 *
 * Most posts contain no lexicon term. The Python prefilter (matcher.py) translates the post
 * into its word skeleton, runs an Aho-Corasick automaton over it, and checks what makes the
 * skeleton unreliable (letters spaced out, a hashtag, a leet symbol inside a word, a tripled
 * letter, three doubled letters in one word, a capital that is a one-letter term standing
 * alone). This module does the same in one pass over the post, without building any Python
 * object, so that a clean post costs a fraction of a microsecond.
 *
 * Prefilter(keys, table, lone, pages=None, lone_chars=""):
 *   keys   the prefilter's skeleton keys (str, any script);
 *   table  the 256-byte word-skeleton translation of ASCII (one byte per byte);
 *   lone   256 bytes marking the ASCII capitals that are one-letter terms ("E", "K": they
 *          match only standing alone, see matcher.py);
 *   pages  for text that is not ASCII: the word skeleton of every code point of some pages
 *          of 256 code points, as (page numbers, starts, pool, flags): code point j of the
 *          i-th page has the skeleton pool[starts[i*256+j] : starts[i*256+j+1]] (code points,
 *          uint32) and the FLAG_* bits below;
 *   lone_chars  the skeleton letters of one-letter terms (for capitals outside ASCII).
 * The word skeleton is a per-code-point translation (str.translate in Python), so the table
 * gives it exactly wherever it is defined. check(text) returns -1 when the text has a code
 * point outside the table's pages (the caller uses the Python prefilter), 0 when no term can
 * match, 1 when the full path must run. The answer equals the Python prefilter's on every
 * post (tested property).
 *
 * The automaton is dense over the classes of the ASCII characters of the keys (most states
 * and steps); the few transitions on other characters (Cyrillic, Greek, Arabic letters,
 * emoji) are kept sparse, per state, and followed with failure links.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define NPAGES_MAX 0x1100   /* pages of 256 code points up to U+10FFFF */
#define FLAG_SPACE 1        /* \s (str.isspace) */
#define FLAG_WORD 2         /* [^\W_]: a letter or a digit */
#define FLAG_UPPER 4        /* [^\W\d_] and upper case: a capital letter */
#define FLAG_LEET 8         /* @ $ € ! |: a leet symbol */
#define FLAG_HASH 16        /* # */
#define FLAG_ASIAN 32       /* Thai, kana, Hangul: Python reads words glued to them */

typedef struct {
    PyObject_HEAD
    unsigned char skel[256];   /* ASCII byte -> skeleton byte */
    unsigned char cls[256];    /* skeleton byte -> symbol class (0: not in any key) */
    unsigned char lone[256];   /* 1 for a capital that is a one-letter term */
    int ncls;
    int32_t nstates;
    int32_t *delta;            /* nstates * ncls transitions on ASCII classes (complete) */
    unsigned char *out;        /* 1 when some key ends in this state */
    int32_t *fail;             /* failure link of each state */
    int32_t *first_edge;       /* nstates + 1: a state's non-ASCII edges, sorted by cp */
    uint32_t *edge_cp;
    int32_t *edge_next;
    /* the per-code-point skeleton table (NULL: non-ASCII text goes back to Python) */
    int32_t *page_slot;        /* NPAGES_MAX entries: the page's slot or -1 */
    uint32_t *starts;          /* npages * 256 + 1 */
    uint32_t *pool;
    unsigned char *flags;      /* npages * 256 */
    Py_UCS4 *lone_chars;
    Py_ssize_t nlone;
} Prefilter;

static void Prefilter_free_tables(Prefilter *self) {
    PyMem_Free(self->delta);
    PyMem_Free(self->out);
    PyMem_Free(self->fail);
    PyMem_Free(self->first_edge);
    PyMem_Free(self->edge_cp);
    PyMem_Free(self->edge_next);
    PyMem_Free(self->page_slot);
    PyMem_Free(self->starts);
    PyMem_Free(self->pool);
    PyMem_Free(self->flags);
    PyMem_Free(self->lone_chars);
    self->delta = self->fail = self->first_edge = self->edge_next = self->page_slot = NULL;
    self->out = self->flags = NULL;
    self->edge_cp = self->starts = self->pool = NULL;
    self->lone_chars = NULL;
}

static void Prefilter_dealloc(Prefilter *self) {
    Prefilter_free_tables(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* --- building ------------------------------------------------------------------------------ */

typedef struct {          /* a non-ASCII trie edge while building */
    int32_t state;
    uint32_t cp;
    int32_t next;
} Edge;

typedef struct {          /* open addressing on (state, cp) -> index into the edge list */
    int32_t *slots;
    size_t mask;
} EdgeIndex;

static inline size_t edge_hash(int32_t state, uint32_t cp, size_t mask) {
    uint64_t h = (uint64_t)(uint32_t)state * 0x9E3779B97F4A7C15ull ^ (uint64_t)cp * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29)) & mask;
}

static int grow_states(Prefilter *self, int32_t *cap, int32_t need) {
    if (need <= *cap) return 0;
    int32_t ncap = *cap ? *cap : 1024;
    while (ncap < need) ncap *= 2;
    int32_t *d = PyMem_Realloc(self->delta, (size_t)ncap * self->ncls * sizeof(int32_t));
    if (!d) return -1;
    self->delta = d;
    unsigned char *o = PyMem_Realloc(self->out, (size_t)ncap);
    if (!o) return -1;
    self->out = o;
    *cap = ncap;
    return 0;
}

static int32_t new_state(Prefilter *self, int32_t *cap) {
    if (grow_states(self, cap, self->nstates + 1) < 0) return -1;
    int32_t t = self->nstates++;
    for (int x = 0; x < self->ncls; x++) self->delta[(size_t)t * self->ncls + x] = -1;
    self->out[t] = 0;
    return t;
}

/* The next state from `s` on the non-ASCII skeleton character `cp` (goto or failure). */
static inline int32_t step_wide(const Prefilter *self, int32_t s, uint32_t cp) {
    for (;;) {
        int32_t lo = self->first_edge[s], hi = self->first_edge[s + 1];
        while (lo < hi) {
            int32_t mid = (lo + hi) >> 1;
            uint32_t m = self->edge_cp[mid];
            if (m == cp) return self->edge_next[mid];
            if (m < cp) lo = mid + 1;
            else hi = mid;
        }
        if (s == 0) return 0;
        s = self->fail[s];
    }
}

static int load_pages(Prefilter *self, PyObject *pages) {
    PyObject *ids = NULL;
    Py_buffer starts = {0}, pool = {0}, flags = {0};
    int ok = -1;
    if (!PyArg_ParseTuple(pages, "Oy*y*y*", &ids, &starts, &pool, &flags)) return -1;
    PyObject *seq = PySequence_Fast(ids, "page numbers must be a sequence of ints");
    if (!seq) goto done;
    Py_ssize_t npages = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t ncp = npages * 256;
    if (starts.len != (ncp + 1) * (Py_ssize_t)sizeof(uint32_t) || flags.len != ncp ||
        pool.len % (Py_ssize_t)sizeof(uint32_t)) {
        PyErr_SetString(PyExc_ValueError, "pages: sizes of starts, pool and flags disagree");
        goto done;
    }
    Py_ssize_t npool = pool.len / (Py_ssize_t)sizeof(uint32_t);
    self->page_slot = PyMem_Malloc(NPAGES_MAX * sizeof(int32_t));
    self->starts = PyMem_Malloc((size_t)(ncp + 1) * sizeof(uint32_t));
    self->pool = PyMem_Malloc((size_t)(npool ? npool : 1) * sizeof(uint32_t));
    self->flags = PyMem_Malloc((size_t)(ncp ? ncp : 1));
    if (!self->page_slot || !self->starts || !self->pool || !self->flags) {
        PyErr_NoMemory();
        goto done;
    }
    for (int i = 0; i < NPAGES_MAX; i++) self->page_slot[i] = -1;
    for (Py_ssize_t i = 0; i < npages; i++) {
        long page = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (page == -1 && PyErr_Occurred()) goto done;
        if (page < 0 || page >= NPAGES_MAX || self->page_slot[page] >= 0) {
            PyErr_SetString(PyExc_ValueError, "pages: page numbers must be distinct, < 0x1100");
            goto done;
        }
        self->page_slot[page] = (int32_t)i;
    }
    memcpy(self->starts, starts.buf, (size_t)(ncp + 1) * sizeof(uint32_t));
    memcpy(self->pool, pool.buf, (size_t)npool * sizeof(uint32_t));
    memcpy(self->flags, flags.buf, (size_t)ncp);
    for (Py_ssize_t i = 0; i < ncp; i++) {
        if (self->starts[i] > self->starts[i + 1]) {
            PyErr_SetString(PyExc_ValueError, "pages: starts must not decrease");
            goto done;
        }
    }
    if (self->starts[0] != 0 || self->starts[ncp] > (uint32_t)npool) {
        PyErr_SetString(PyExc_ValueError, "pages: starts must lie inside the pool");
        goto done;
    }
    for (Py_ssize_t i = 0; i < npool; i++) {
        if (self->pool[i] > 0x10FFFF) {
            PyErr_SetString(PyExc_ValueError, "pages: the pool holds code points");
            goto done;
        }
    }
    ok = 0;
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&pool);
    PyBuffer_Release(&flags);
    return ok;
}

static int Prefilter_init(Prefilter *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"keys", "table", "lone", "pages", "lone_chars", NULL};
    PyObject *keys, *pages = Py_None, *lone_chars = NULL;
    Py_buffer table, lone;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Oy*y*|OU", kwlist, &keys, &table, &lone,
                                     &pages, &lone_chars))
        return -1;
    Prefilter_free_tables(self);
    self->nstates = 0;
    if (table.len != 256 || lone.len != 256) {
        PyBuffer_Release(&table);
        PyBuffer_Release(&lone);
        PyErr_SetString(PyExc_ValueError, "table and lone must be 256 bytes");
        return -1;
    }
    memcpy(self->skel, table.buf, 256);
    memcpy(self->lone, lone.buf, 256);
    PyBuffer_Release(&table);
    PyBuffer_Release(&lone);
    for (int b = 0; b < 128; b++) {
        if (self->skel[b] >= 128) {
            PyErr_SetString(PyExc_ValueError, "table must translate ASCII to ASCII");
            return -1;
        }
    }
    if (pages != Py_None && load_pages(self, pages) < 0) return -1;
    if (lone_chars) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(lone_chars);
        self->lone_chars = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_UCS4));
        if (!self->lone_chars) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) self->lone_chars[i] = PyUnicode_READ_CHAR(lone_chars, i);
        self->nlone = n;
    }

    PyObject *seq = PySequence_Fast(keys, "keys must be a sequence of str");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Edge *edges = NULL;
    EdgeIndex index = {NULL, 0};
    size_t nedges = 0, edge_cap = 0;
    int32_t *queue = NULL;

    /* Symbol classes: every ASCII character that occurs in a key gets its own class; all
       others share class 0, on which every state goes back to the root (no key holds them). */
    memset(self->cls, 0, sizeof self->cls);
    int ncls = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(items[i])) {
            PyErr_SetString(PyExc_TypeError, "keys must be str");
            goto fail;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(items[i]);
        for (Py_ssize_t j = 0; j < len; j++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(items[i], j);
            if (c < 128 && !self->cls[c]) self->cls[c] = (unsigned char)ncls++;
        }
    }
    self->ncls = ncls;

    /* The trie, with -1 for a missing ASCII edge; other edges in a list with a hash index. */
    int32_t cap = 0;
    if (new_state(self, &cap) < 0) goto nomem;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(items[i]);
        if (len == 0) continue;
        int32_t s = 0;
        for (Py_ssize_t j = 0; j < len; j++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(items[i], j);
            int32_t t;
            if (c < 128) {
                size_t at = (size_t)s * ncls + self->cls[c];
                t = self->delta[at];
                if (t < 0) {
                    t = new_state(self, &cap);
                    if (t < 0) goto nomem;
                    self->delta[at] = t;
                }
            } else {
                if (2 * (nedges + 1) > index.mask) {  /* keep the index at most half full */
                    size_t nmask = index.mask ? 2 * index.mask + 1 : 1023;
                    int32_t *slots = PyMem_Malloc((nmask + 1) * sizeof(int32_t));
                    if (!slots) goto nomem;
                    for (size_t x = 0; x <= nmask; x++) slots[x] = -1;
                    for (size_t e = 0; e < nedges; e++) {
                        size_t h = edge_hash(edges[e].state, edges[e].cp, nmask);
                        while (slots[h] >= 0) h = (h + 1) & nmask;
                        slots[h] = (int32_t)e;
                    }
                    PyMem_Free(index.slots);
                    index.slots = slots;
                    index.mask = nmask;
                }
                size_t h = edge_hash(s, c, index.mask);
                t = -1;
                while (index.slots[h] >= 0) {
                    Edge *e = &edges[index.slots[h]];
                    if (e->state == s && e->cp == c) {
                        t = e->next;
                        break;
                    }
                    h = (h + 1) & index.mask;
                }
                if (t < 0) {
                    t = new_state(self, &cap);
                    if (t < 0) goto nomem;
                    if (nedges == edge_cap) {
                        size_t ncap = edge_cap ? 2 * edge_cap : 256;
                        Edge *ne = PyMem_Realloc(edges, ncap * sizeof(Edge));
                        if (!ne) goto nomem;
                        edges = ne;
                        edge_cap = ncap;
                    }
                    edges[nedges] = (Edge){s, c, t};
                    index.slots[h] = (int32_t)nedges++;
                }
            }
            s = t;
        }
        self->out[s] = 1;
    }
    Py_DECREF(seq);
    seq = NULL;
    PyMem_Free(index.slots);
    index.slots = NULL;

    /* Non-ASCII edges by state, then by code point (counting sort on the state). */
    int32_t ns = self->nstates;
    self->first_edge = PyMem_Calloc((size_t)ns + 1, sizeof(int32_t));
    self->edge_cp = PyMem_Malloc((nedges ? nedges : 1) * sizeof(uint32_t));
    self->edge_next = PyMem_Malloc((nedges ? nedges : 1) * sizeof(int32_t));
    self->fail = PyMem_Malloc((size_t)ns * sizeof(int32_t));
    queue = PyMem_Malloc((size_t)ns * sizeof(int32_t));
    if (!self->first_edge || !self->edge_cp || !self->edge_next || !self->fail || !queue)
        goto nomem;
    for (size_t e = 0; e < nedges; e++) self->first_edge[edges[e].state + 1]++;
    for (int32_t s = 0; s < ns; s++) self->first_edge[s + 1] += self->first_edge[s];
    {
        int32_t *fill = PyMem_Malloc((size_t)ns * sizeof(int32_t));
        if (!fill) goto nomem;
        memcpy(fill, self->first_edge, (size_t)ns * sizeof(int32_t));
        for (size_t e = 0; e < nedges; e++) {
            int32_t at = fill[edges[e].state]++;
            /* insertion into the state's sorted run (runs are short) */
            int32_t k = at;
            while (k > self->first_edge[edges[e].state] && self->edge_cp[k - 1] > edges[e].cp) {
                self->edge_cp[k] = self->edge_cp[k - 1];
                self->edge_next[k] = self->edge_next[k - 1];
                k--;
            }
            self->edge_cp[k] = edges[e].cp;
            self->edge_next[k] = edges[e].next;
        }
        PyMem_Free(fill);
    }
    PyMem_Free(edges);
    edges = NULL;

    /* Failure links by breadth-first search; the ASCII transitions are folded into a
       complete table, the others are followed through the links at run time. */
    {
        int32_t head = 0, tail = 0;
        self->fail[0] = 0;
        for (int c = 0; c < ncls; c++) {
            int32_t t = self->delta[c];
            if (t < 0) {
                self->delta[c] = 0;
            } else {
                self->fail[t] = 0;
                queue[tail++] = t;
            }
        }
        for (int32_t e = self->first_edge[0]; e < self->first_edge[1]; e++) {
            self->fail[self->edge_next[e]] = 0;
            queue[tail++] = self->edge_next[e];
        }
        while (head < tail) {
            int32_t u = queue[head++];
            int32_t fu = self->fail[u];
            for (int c = 0; c < ncls; c++) {
                size_t at = (size_t)u * ncls + c;
                int32_t v = self->delta[at];
                int32_t via = self->delta[(size_t)fu * ncls + c];
                if (v < 0) {
                    self->delta[at] = via;
                } else {
                    self->fail[v] = via;
                    self->out[v] |= self->out[via];
                    queue[tail++] = v;
                }
            }
            for (int32_t e = self->first_edge[u]; e < self->first_edge[u + 1]; e++) {
                int32_t v = self->edge_next[e];
                int32_t via = step_wide(self, fu, self->edge_cp[e]);
                self->fail[v] = via;
                self->out[v] |= self->out[via];
                queue[tail++] = v;
            }
        }
    }
    PyMem_Free(queue);
    return 0;

nomem:
    PyErr_NoMemory();
fail:
    Py_XDECREF(seq);
    PyMem_Free(edges);
    PyMem_Free(index.slots);
    PyMem_Free(queue);
    Prefilter_free_tables(self);
    self->nstates = 0;
    return -1;
}

/* --- checking ------------------------------------------------------------------------------ */

static inline int is_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* str.isspace() on ASCII */
static inline int is_space(unsigned char c) {
    return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
}

static inline int is_leet_symbol(unsigned char c) {
    return c == '@' || c == '$' || c == '!' || c == '|';
}

static inline int is_lone_follower(Py_UCS4 c) {
    return c == ',' || c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

/* The word shapes of the skeleton that both checks read, fed one skeleton character at a
 * time: DOUBLES_MIN disjoint doubled letters in one word (normalize.py: letters doubled to
 * dodge a filter; a pair is not the start of the next one), three single-letter words in a
 * row ("c o k e"), and runs of spaces fed to the automaton as one. */
typedef struct {
    int last_space;       /* the last character fed was a space: runs are fed as one */
    Py_ssize_t wordlen;   /* letters since the last skeleton space */
    int singles;          /* single-letter words in a row */
    int doubles;          /* doubled letters in the current word */
    Py_UCS4 prev_k;       /* the previous skeleton character */
} SkelWords;

#define SKEL_WORDS_START {1, 0, 0, 0, ' '}

/* 1: the full path must run; -1: a repeated space, not fed to the automaton; 0: feed k. */
static inline int skel_word_step(SkelWords *w, Py_UCS4 k) {
    if (k != ' ' && k == w->prev_k) {
        if (++w->doubles >= 3) return 1;
        w->prev_k = 0;
    } else {
        w->prev_k = k;
    }
    if (k == ' ') {
        w->doubles = 0;
        if (w->wordlen == 1) {
            if (++w->singles >= 3) return 1;
        } else if (w->wordlen > 1) {
            w->singles = 0;
        }
        w->wordlen = 0;
        if (w->last_space) return -1;
        w->last_space = 1;
    } else {
        w->wordlen++;
        w->last_space = 0;
    }
    return 0;
}

/* The end of the post: a last single-letter word completes a run of three. */
static inline int skel_word_end(const SkelWords *w) {
    return w->wordlen == 1 && w->singles + 1 >= 3;
}

/* An ASCII post: one byte, one skeleton byte. */
static int check_ascii(const Prefilter *self, const unsigned char *p, Py_ssize_t n) {
    const int ncls = self->ncls;
    const int32_t *delta = self->delta;
    const unsigned char *out = self->out;
    /* The skeleton starts with one space (word start for the first word). */
    int32_t s = delta[self->cls[(unsigned char)' ']];
    if (out[s]) return 1;
    SkelWords w = SKEL_WORDS_START;
    int prev_alnum = 0;      /* in the original: letter or digit before a symbol run */
    int symbol_run = 0;      /* symbols right after a letter or digit: h@sh */
    int i_run = 0;           /* i or I in a row in the original: kiiiller */
    int l_run = 0;           /* l or L in a row: "lll", which the skeleton also reads "iii" */
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '#') return 1;  /* hashtags are segmented on the full path */
        /* The skeleton merges i and l ("will" reads "wiii"), so its own triple keys need four
         * i; three i or three l written as such are a tripled letter too. */
        if (c == 'i' || c == 'I') {
            if (++i_run >= 3) return 1;
        } else {
            i_run = 0;
        }
        if (c == 'l' || c == 'L') {
            if (++l_run >= 3) return 1;
        } else {
            l_run = 0;
        }
        if (is_alnum(c)) {
            if (symbol_run) return 1;
            if (self->lone[c] && (i == 0 || is_space(p[i - 1])) &&
                (i + 1 == n || is_space(p[i + 1]) || is_lone_follower(p[i + 1])))
                return 1;  /* a one-letter term standing alone */
            prev_alnum = 1;
        } else if (is_leet_symbol(c)) {
            symbol_run = prev_alnum || symbol_run;
            prev_alnum = 0;
        } else {
            symbol_run = 0;
            prev_alnum = 0;
        }
        unsigned char k = self->skel[c];
        int step = skel_word_step(&w, k);
        if (step > 0) return 1;
        if (step < 0) continue;
        s = delta[(size_t)s * ncls + self->cls[k]];
        if (out[s]) return 1;
    }
    if (skel_word_end(&w)) return 1;
    /* ... and ends with one space (word end for the last word). */
    if (!w.last_space) s = delta[(size_t)s * ncls + self->cls[(unsigned char)' ']];
    return out[s] ? 1 : 0;
}

/* The table entry of code point c: its slot, or -1 outside the table's pages. */
static inline Py_ssize_t slot_of(const Prefilter *self, Py_UCS4 c) {
    int32_t page = self->page_slot[c >> 8];
    return page < 0 ? -1 : (Py_ssize_t)page * 256 + (c & 0xFF);
}

/* Any other post: the same checks, code point by code point, each code point's skeleton
 * (zero, one or more characters) fed to the automaton and the skeleton's own checks. For a
 * skeleton that is not ASCII, Python also reads any character written three times in a row
 * (other than i, whose runs need four) as a tripled letter (normalize.needs_full_path). */
static int check_wide(const Prefilter *self, int kind, const void *data, Py_ssize_t n) {
    const int ncls = self->ncls;
    const int32_t *delta = self->delta;
    const unsigned char *out = self->out;
    const unsigned char *cls = self->cls;
    int32_t s = delta[cls[(unsigned char)' ']];
    if (out[s]) return 1;
    SkelWords w = SKEL_WORDS_START;
    int prev_word = 0, symbol_run = 0, i_run = 0, l_run = 0;
    int prev_space = 1;       /* the previous code point of the original is a space (or none) */
    int triple = 0;           /* a character other than space or i three times in a row */
    int wide = 0;             /* the skeleton has a character outside ASCII */
    Py_ssize_t run = 0;
    Py_UCS4 run_k = ' ';
    Py_ssize_t at = n ? slot_of(self, PyUnicode_READ(kind, data, 0)) : 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (at < 0) return -1;
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t next_at = 0;
        Py_UCS4 next = 0;
        if (i + 1 < n) {
            next = PyUnicode_READ(kind, data, i + 1);
            next_at = slot_of(self, next);
            if (next_at < 0) return -1;
        }
        unsigned char f = self->flags[at];
        if (f & FLAG_HASH) return 1;
        if (f & FLAG_ASIAN) return -1; /* normalize.ASIAN_GLUE decides, in Python */
        if (c == 'i' || c == 'I') {
            if (++i_run >= 3) return 1;
        } else {
            i_run = 0;
        }
        if (c == 'l' || c == 'L') {
            if (++l_run >= 3) return 1;
        } else {
            l_run = 0;
        }
        uint32_t k0 = self->starts[at], k1 = self->starts[at + 1];
        if ((f & FLAG_UPPER) && k1 - k0 == 1 && prev_space &&
            (i + 1 == n || (self->flags[next_at] & FLAG_SPACE) || is_lone_follower(next))) {
            Py_UCS4 sk = self->pool[k0];
            for (Py_ssize_t j = 0; j < self->nlone; j++)
                if (self->lone_chars[j] == sk) return 1;  /* a one-letter term standing alone */
        }
        if (f & FLAG_WORD) {
            if (symbol_run) return 1;
            prev_word = 1;
        } else if (f & FLAG_LEET) {
            symbol_run = prev_word || symbol_run;
            prev_word = 0;
        } else {
            symbol_run = 0;
            prev_word = 0;
        }
        prev_space = (f & FLAG_SPACE) != 0;
        for (uint32_t q = k0; q < k1; q++) {
            Py_UCS4 k = self->pool[q];
            int step = skel_word_step(&w, k);
            if (step > 0) return 1;
            if (step < 0) continue;
            if (k == run_k) {
                if (++run >= 3 && k != ' ' && k != 'i') triple = 1;
            } else {
                run_k = k;
                run = 1;
            }
            if (k < 128) {
                s = delta[(size_t)s * ncls + cls[k]];
            } else {
                wide = 1;
                s = step_wide(self, s, k);
            }
            if (out[s]) return 1;
        }
        at = next_at;
    }
    if (skel_word_end(&w)) return 1;
    if (!w.last_space) s = delta[(size_t)s * ncls + cls[(unsigned char)' ']];
    if (out[s]) return 1;
    return wide && triple ? 1 : 0;
}

/* 0 when `text` is a str, ready to read; -1 with TypeError set otherwise. */
static int str_arg(PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return -1; /* a no-op, then removed, from 3.12 */
#endif
    return 0;
}

/* One skeleton character of a prefilter view: runs of spaces are written as one. */
#define VIEW_PUT(buf, k, last_space, c) \
    do {                                 \
        if ((c) == ' ') {                \
            if (!(last_space)) (buf)[(k)++] = ' '; \
            (last_space) = 1;            \
        } else {                         \
            (buf)[(k)++] = (c);          \
            (last_space) = 0;            \
        }                                \
    } while (0)

/* A str argument for an initialised prefilter: 0, or -1 with an exception set. */
static int prefilter_arg(Prefilter *self, PyObject *text) {
    if (str_arg(text) < 0) return -1;
    if (!self->delta) {
        PyErr_SetString(PyExc_RuntimeError, "Prefilter is not initialised");
        return -1;
    }
    return 0;
}

static PyObject *Prefilter_check(Prefilter *self, PyObject *text) {
    if (prefilter_arg(self, text) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_IS_ASCII(text))
        return PyLong_FromLong(check_ascii(self, PyUnicode_1BYTE_DATA(text), n));
    if (!self->page_slot) return PyLong_FromLong(-1);
    return PyLong_FromLong(check_wide(self, PyUnicode_KIND(text), PyUnicode_DATA(text), n));
}

/* matcher.prefilter_view(text) from the same tables: the word skeleton with each run of
 * spaces as one and a space at each end (" " + " ".join(word_skeleton(text).split()) + " ";
 * the skeleton's only whitespace is the space), or None when a code point lies outside the
 * table (Python computes it then). */
static PyObject *Prefilter_view(Prefilter *self, PyObject *text) {
    if (prefilter_arg(self, text) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_IS_ASCII(text)) {
        const unsigned char *p = PyUnicode_1BYTE_DATA(text);
        unsigned char *buf = PyMem_Malloc((size_t)n + 2);
        if (!buf) return PyErr_NoMemory();
        Py_ssize_t k = 0;
        buf[k++] = ' ';
        int last_space = 1;
        for (Py_ssize_t i = 0; i < n; i++) {
            unsigned char c = self->skel[p[i]];
            VIEW_PUT(buf, k, last_space, c);
        }
        if (!last_space || k == 1) buf[k++] = ' ';
        PyObject *out = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf, k);
        PyMem_Free(buf);
        return out;
    }
    if (!self->page_slot) Py_RETURN_NONE;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    /* The skeleton of one code point has a few characters at most; count them first. */
    size_t need = 2;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t at = slot_of(self, PyUnicode_READ(kind, data, i));
        if (at < 0) Py_RETURN_NONE;
        need += self->starts[at + 1] - self->starts[at];
    }
    Py_UCS4 *buf = PyMem_Malloc(need * sizeof(Py_UCS4));
    if (!buf) return PyErr_NoMemory();
    Py_ssize_t k = 0;
    buf[k++] = ' ';
    int last_space = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t at = slot_of(self, PyUnicode_READ(kind, data, i));
        for (uint32_t q = self->starts[at]; q < self->starts[at + 1]; q++) {
            Py_UCS4 c = self->pool[q];
            VIEW_PUT(buf, k, last_space, c);
        }
    }
    if (!last_space || k == 1) buf[k++] = ' ';
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, k);
    PyMem_Free(buf);
    return out;
}

static PyObject *Prefilter_states(Prefilter *self, void *closure) {
    (void)closure;
    return PyLong_FromLong(self->nstates);
}

static PyMethodDef Prefilter_methods[] = {
    {"check", (PyCFunction)Prefilter_check, METH_O,
     "check(text) -> -1 (a code point outside the table), 0 (no term can match) or 1 (run "
     "the full path)"},
    {"view", (PyCFunction)Prefilter_view, METH_O,
     "view(text) -> matcher.prefilter_view(text), or None (a code point outside the table)"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Prefilter_getset[] = {
    {"states", (getter)Prefilter_states, NULL, "number of automaton states", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject PrefilterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "narcolex.detect._fastpath.Prefilter",
    .tp_basicsize = sizeof(Prefilter),
    .tp_dealloc = (destructor)Prefilter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Clean-post fast path: word skeleton, automaton and full-path checks in one pass.",
    .tp_methods = Prefilter_methods,
    .tp_getset = Prefilter_getset,
    .tp_init = (initproc)Prefilter_init,
    .tp_new = PyType_GenericNew,
};

/*
 * FeatureCounter: the byte n-gram counting of py3langid's naive Bayes first pass, in C.
 *
 * py3langid finds its features with a deterministic automaton over the UTF-8 bytes of the
 * text: a state's transitions are one 256-entry row of `nextmove` (rows are shared between
 * states: `rows[state]` says which), and `output[state]` is the feature that the state
 * completes, or -1. Its Python loop over the bytes was most of the first pass's time.
 *
 * FeatureCounter(nextmove, rows, output): `nextmove` and `rows` are buffers of unsigned 16-
 * or 32-bit integers (held, not copied: the model is tens of megabytes), `output` a sequence
 * of ints. count(data) returns None when no feature occurs, else (features, counts): native
 * Py_ssize_t and float32 arrays as bytes, each feature once, in the order of its first
 * occurrence (the order py3langid's Counter gives, so that the score sums in the same order).
 */
typedef struct {
    PyObject_HEAD
    Py_buffer nextmove;
    Py_buffer rows;
    int has_views;
    int32_t *output;           /* feature completed in each state, -1 for none */
    Py_ssize_t nstates;
    int32_t nfeatures;
    int32_t *slot;             /* feature -> its index in the current count, or -1 */
} FeatureCounter;

static void FeatureCounter_dealloc(FeatureCounter *self) {
    if (self->has_views) {
        PyBuffer_Release(&self->nextmove);
        PyBuffer_Release(&self->rows);
    }
    PyMem_Free(self->output);
    PyMem_Free(self->slot);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static inline Py_ssize_t item_at(const Py_buffer *b, Py_ssize_t i) {
    return b->itemsize == 2 ? (Py_ssize_t)((const uint16_t *)b->buf)[i]
                            : (Py_ssize_t)((const uint32_t *)b->buf)[i];
}

static int FeatureCounter_init(FeatureCounter *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"nextmove", "rows", "output", NULL};
    PyObject *nm_obj, *rows_obj, *out_obj;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &nm_obj, &rows_obj, &out_obj))
        return -1;
    if (self->has_views) {
        PyErr_SetString(PyExc_RuntimeError, "FeatureCounter is initialised once");
        return -1;
    }
    if (PyObject_GetBuffer(nm_obj, &self->nextmove, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (PyObject_GetBuffer(rows_obj, &self->rows, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&self->nextmove);
        return -1;
    }
    self->has_views = 1;
    const Py_buffer *bufs[2] = {&self->nextmove, &self->rows};
    for (int b = 0; b < 2; b++) {
        const char *f = bufs[b]->format ? bufs[b]->format : "B";
        if (*f == '@' || *f == '=') f++;
        int ok = (bufs[b]->itemsize == 2 && (*f == 'H')) ||
                 (bufs[b]->itemsize == 4 && (*f == 'I' || *f == 'L'));
        if (!ok || f[1] != '\0') {
            PyErr_SetString(PyExc_TypeError, "nextmove and rows: unsigned 16- or 32-bit items");
            return -1;
        }
    }
    Py_ssize_t nm_len = self->nextmove.len / self->nextmove.itemsize;
    Py_ssize_t nstates = self->rows.len / self->rows.itemsize;
    PyObject *seq = PySequence_Fast(out_obj, "output must be a sequence of ints");
    if (!seq) return -1;
    if (PySequence_Fast_GET_SIZE(seq) != nstates || nstates == 0) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "output needs one entry per state (rows)");
        return -1;
    }
    self->output = PyMem_Malloc((size_t)nstates * sizeof(int32_t));
    if (!self->output) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    long maxf = -1;
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < nstates; i++) {
        long f = PyLong_AsLong(items[i]);
        if (f == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
        if (f < -1 || f > INT32_MAX - 1) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "output entries must be features or -1");
            return -1;
        }
        self->output[i] = (int32_t)f;
        if (f > maxf) maxf = f;
    }
    Py_DECREF(seq);
    /* Every row must lie inside nextmove and every transition lead to a state: the walk
     * then never reads out of bounds, whatever the bytes. */
    for (Py_ssize_t i = 0; i < nstates; i++) {
        if ((item_at(&self->rows, i) + 1) * 256 > nm_len) {
            PyErr_SetString(PyExc_ValueError, "a state's row lies outside nextmove");
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < nm_len; i++) {
        if (item_at(&self->nextmove, i) >= nstates) {
            PyErr_SetString(PyExc_ValueError, "a transition leads to no state");
            return -1;
        }
    }
    self->nstates = nstates;
    self->nfeatures = (int32_t)(maxf + 1);
    self->slot = PyMem_Malloc((size_t)(self->nfeatures ? self->nfeatures : 1) * sizeof(int32_t));
    if (!self->slot) {
        PyErr_NoMemory();
        return -1;
    }
    for (int32_t f = 0; f < self->nfeatures; f++) self->slot[f] = -1;
    return 0;
}

static PyObject *FeatureCounter_count(FeatureCounter *self, PyObject *arg) {
    if (!self->slot) {
        PyErr_SetString(PyExc_RuntimeError, "FeatureCounter is not initialised");
        return NULL;
    }
    Py_buffer data;
    if (PyObject_GetBuffer(arg, &data, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *p = data.buf;
    Py_ssize_t n = data.len;
    /* At most one new feature per byte. */
    Py_ssize_t *feats = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    float *counts = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(float));
    if (!feats || !counts) {
        PyMem_Free(feats);
        PyMem_Free(counts);
        PyBuffer_Release(&data);
        return PyErr_NoMemory();
    }
    Py_ssize_t k = 0;
    Py_ssize_t state = 0;
    const int wide_nm = self->nextmove.itemsize == 4;
    const int wide_rows = self->rows.itemsize == 4;
    const void *nm = self->nextmove.buf;
    const void *rows = self->rows.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t base = (wide_rows ? (Py_ssize_t)((const uint32_t *)rows)[state]
                                     : (Py_ssize_t)((const uint16_t *)rows)[state]) << 8;
        Py_ssize_t at = base + p[i];
        state = wide_nm ? (Py_ssize_t)((const uint32_t *)nm)[at]
                        : (Py_ssize_t)((const uint16_t *)nm)[at];
        int32_t f = self->output[state];
        if (f >= 0) {
            int32_t s = self->slot[f];
            if (s < 0) {
                self->slot[f] = (int32_t)k;
                feats[k] = f;
                counts[k] = 1.0f;
                k++;
            } else {
                counts[s] += 1.0f;
            }
        }
    }
    PyBuffer_Release(&data);
    for (Py_ssize_t j = 0; j < k; j++) self->slot[feats[j]] = -1;
    PyObject *result;
    if (k == 0) {
        result = Py_NewRef(Py_None);
    } else {
        result = Py_BuildValue("(y#y#)", (const char *)feats, (Py_ssize_t)(k * sizeof(Py_ssize_t)),
                               (const char *)counts, (Py_ssize_t)(k * sizeof(float)));
    }
    PyMem_Free(feats);
    PyMem_Free(counts);
    return result;
}

static PyMethodDef FeatureCounter_methods[] = {
    {"count", (PyCFunction)FeatureCounter_count, METH_O,
     "count(data) -> None or (features, counts): Py_ssize_t and float32 arrays as bytes"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FeatureCounterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "narcolex.detect._fastpath.FeatureCounter",
    .tp_basicsize = sizeof(FeatureCounter),
    .tp_dealloc = (destructor)FeatureCounter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "py3langid's byte n-gram feature counting (first-pass language id), in C.",
    .tp_methods = FeatureCounter_methods,
    .tp_init = (initproc)FeatureCounter_init,
    .tp_new = PyType_GenericNew,
};

/* normalize.needs_squeeze(text): a letter written three times in a row (TRIPLE with a
 * letter, str.isalpha), or DOUBLES_MIN disjoint doubled letters in one word (doubled_word
 * with its default patterns: a pair is two equal [^\W\d_] characters, found left to right,
 * a pair not the start of the next; the count starts again after any [\W_] character). */
#define DOUBLES_MIN 3

static inline int sre_letter(Py_UCS4 c) { /* [^\W\d_] */
    return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c) && c != '_';
}

static inline int sre_gap(Py_UCS4 c) { /* [\W_] */
    return !Py_UNICODE_ISALNUM(c) || c == '_';
}

static PyObject *fp_needs_squeeze(PyObject *module, PyObject *text) {
    (void)module;
    if (str_arg(text) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == PyUnicode_READ(kind, data, i + 1) && c == PyUnicode_READ(kind, data, i + 2) &&
            Py_UNICODE_ISALPHA(c))
            Py_RETURN_TRUE;
    }
    int count = 0, seen = 0, gap = 0;
    Py_ssize_t i = 0;
    while (i + 1 < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (sre_letter(c) && PyUnicode_READ(kind, data, i + 1) == c) {
            if (!seen || gap) count = 0;
            seen = 1;
            gap = 0;
            if (++count >= DOUBLES_MIN) Py_RETURN_TRUE;
            i += 2;
        } else {
            if (sre_gap(c)) gap = 1;
            i++;
        }
    }
    Py_RETURN_FALSE;
}

/* normalize._collapse_spaces(text) without the Stage: (text with each run of two or more
 * spaces as one space, [(out_start, out_start + 1, in_start, in_end) for each run]), or None
 * when there is no such run. */
static PyObject *fp_collapse_spaces(PyObject *module, PyObject *text) {
    (void)module;
    if (str_arg(text) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *edits = NULL, *out = NULL;
    Py_UCS4 *buf = NULL;
    Py_ssize_t k = 0, i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == ' ' && i + 1 < n && PyUnicode_READ(kind, data, i + 1) == ' ') {
            Py_ssize_t b = i + 2;
            while (b < n && PyUnicode_READ(kind, data, b) == ' ') b++;
            if (!edits) {
                edits = PyList_New(0);
                buf = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_UCS4));
                if (!edits || !buf) goto fail;
                for (Py_ssize_t j = 0; j < i; j++) buf[j] = PyUnicode_READ(kind, data, j);
                k = i;
            }
            PyObject *e = Py_BuildValue("(nnnn)", k, k + 1, i, b);
            if (!e || PyList_Append(edits, e) < 0) {
                Py_XDECREF(e);
                goto fail;
            }
            Py_DECREF(e);
            buf[k++] = ' ';
            i = b;
            continue;
        }
        if (buf) buf[k++] = c;
        i++;
    }
    if (!edits) Py_RETURN_NONE;
    out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, k);
    PyMem_Free(buf);
    if (!out) {
        Py_DECREF(edits);
        return NULL;
    }
    PyObject *result = PyTuple_Pack(2, out, edits);
    Py_DECREF(out);
    Py_DECREF(edits);
    return result;
fail:
    Py_XDECREF(edits);
    PyMem_Free(buf);
    return PyErr_Occurred() ? NULL : PyErr_NoMemory();
}

/* signals.has_digit(text): a character that re's \d matches in a str pattern (a Unicode
 * decimal digit, str.isdecimal): every amount pattern needs one, and most clean posts have
 * none, so this one pass spares them the patterns. */
static PyObject *fp_has_digit(PyObject *module, PyObject *text) {
    (void)module;
    if (str_arg(text) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = (const Py_UCS1 *)data;
        for (Py_ssize_t i = 0; i < n; i++)
            if (p[i] >= '0' && p[i] <= '9') Py_RETURN_TRUE;  /* Latin-1 has no other digits */
        Py_RETURN_FALSE;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i))) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

static PyMethodDef fastpath_functions[] = {
    {"has_digit", (PyCFunction)fp_has_digit, METH_O,
     "has_digit(text) -> a decimal digit anywhere in text (what re's \\d matches)"},
    {"collapse_spaces", (PyCFunction)fp_collapse_spaces, METH_O,
     "collapse_spaces(text) -> None, or (text with runs of spaces as one, edits)"},
    {"needs_squeeze", (PyCFunction)fp_needs_squeeze, METH_O,
     "needs_squeeze(text) -> normalize.needs_squeeze(text): a letter tripled, or three "
     "doubled letters in one word"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "_fastpath",
    "The scanner's clean-post fast path (see matcher.py), first-pass language id's "
    "feature counting (see langid.py) and normalize's squeeze check.", -1, fastpath_functions,
};

PyMODINIT_FUNC PyInit__fastpath(void) {
    if (PyType_Ready(&PrefilterType) < 0 || PyType_Ready(&FeatureCounterType) < 0) return NULL;
    PyObject *m = PyModule_Create(&fastpath_module);
    if (!m) return NULL;
    Py_INCREF(&PrefilterType);
    if (PyModule_AddObject(m, "Prefilter", (PyObject *)&PrefilterType) < 0) {
        Py_DECREF(&PrefilterType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&FeatureCounterType);
    if (PyModule_AddObject(m, "FeatureCounter", (PyObject *)&FeatureCounterType) < 0) {
        Py_DECREF(&FeatureCounterType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
