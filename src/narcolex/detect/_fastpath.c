/*
 * The scanner's clean-post fast path, in C.
 *
 * Most posts contain no lexicon term. For an ASCII post, the Python prefilter (matcher.py)
 * translates the post into its word skeleton, runs an Aho-Corasick automaton over it, and
 * checks what makes the skeleton unreliable (letters spaced out, a hashtag, a leet symbol
 * inside a word, a tripled i, three doubled letters in one word). This module does the same in one pass over the post's bytes, without
 * building any Python object, so that a clean post costs a fraction of a microsecond.
 *
 * Prefilter(keys, table, lone): `keys` are the prefilter's ASCII skeleton keys (bytes), `table`
 * the 256-byte word-skeleton translation of ASCII, `lone` 256 bytes marking the capitals that
 * are one-letter terms ("E", "K": they match only standing alone, see matcher.py). The
 * skeleton is read with runs of spaces as one space, between a leading and a closing space.
 * check(text) returns -1 for a non-ASCII post
 * (the caller uses the Python path), 0 when no term can match, 1 when the full path must run.
 * The answer equals the Python prefilter's on every ASCII post (tested property).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    unsigned char skel[256];   /* ASCII byte -> skeleton byte */
    unsigned char cls[256];    /* skeleton byte -> symbol class (0: not in any key) */
    unsigned char lone[256];   /* 1 for a capital that is a one-letter term */
    int ncls;
    int32_t nstates;
    int32_t *delta;            /* nstates * ncls transitions (complete automaton) */
    unsigned char *out;        /* 1 when some key ends in this state */
} Prefilter;

static void Prefilter_dealloc(Prefilter *self) {
    PyMem_Free(self->delta);
    PyMem_Free(self->out);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int grow(Prefilter *self, int32_t *cap, int32_t need) {
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

static int Prefilter_init(Prefilter *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"keys", "table", "lone", NULL};
    PyObject *keys;
    Py_buffer table, lone;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Oy*y*", kwlist, &keys, &table, &lone))
        return -1;
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

    PyObject *seq = PySequence_Fast(keys, "keys must be a sequence of bytes");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);

    /* Symbol classes: every byte that occurs in a key gets its own class; all others share
       class 0, on which every state goes back to the root (no key contains them). */
    memset(self->cls, 0, sizeof self->cls);
    int ncls = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyBytes_Check(items[i])) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_TypeError, "keys must be bytes");
            return -1;
        }
        const unsigned char *k = (const unsigned char *)PyBytes_AS_STRING(items[i]);
        Py_ssize_t len = PyBytes_GET_SIZE(items[i]);
        for (Py_ssize_t j = 0; j < len; j++)
            if (!self->cls[k[j]]) self->cls[k[j]] = (unsigned char)ncls++;
    }
    self->ncls = ncls;

    /* The trie, with -1 for a missing edge. */
    int32_t cap = 0;
    PyMem_Free(self->delta);
    PyMem_Free(self->out);
    self->delta = NULL;
    self->out = NULL;
    if (grow(self, &cap, 1) < 0) goto nomem;
    self->nstates = 1;
    for (int c = 0; c < ncls; c++) self->delta[c] = -1;
    self->out[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const unsigned char *k = (const unsigned char *)PyBytes_AS_STRING(items[i]);
        Py_ssize_t len = PyBytes_GET_SIZE(items[i]);
        if (len == 0) continue;
        int32_t s = 0;
        for (Py_ssize_t j = 0; j < len; j++) {
            int c = self->cls[k[j]];
            int32_t t = self->delta[(size_t)s * ncls + c];
            if (t < 0) {
                if (grow(self, &cap, self->nstates + 1) < 0) goto nomem;
                t = self->nstates++;
                for (int x = 0; x < ncls; x++) self->delta[(size_t)t * ncls + x] = -1;
                self->out[t] = 0;
                self->delta[(size_t)s * ncls + c] = t;
            }
            s = t;
        }
        self->out[s] = 1;
    }
    Py_DECREF(seq);
    seq = NULL;

    /* Failure links by breadth-first search, folded into a complete transition table. */
    {
        int32_t *fail = PyMem_Malloc((size_t)self->nstates * sizeof(int32_t));
        int32_t *queue = PyMem_Malloc((size_t)self->nstates * sizeof(int32_t));
        if (!fail || !queue) {
            PyMem_Free(fail);
            PyMem_Free(queue);
            goto nomem;
        }
        int32_t head = 0, tail = 0;
        fail[0] = 0;
        for (int c = 0; c < ncls; c++) {
            int32_t t = self->delta[c];
            if (t < 0) {
                self->delta[c] = 0;
            } else {
                fail[t] = 0;
                queue[tail++] = t;
            }
        }
        while (head < tail) {
            int32_t u = queue[head++];
            for (int c = 0; c < ncls; c++) {
                size_t at = (size_t)u * ncls + c;
                int32_t v = self->delta[at];
                int32_t via = self->delta[(size_t)fail[u] * ncls + c];
                if (v < 0) {
                    self->delta[at] = via;
                } else {
                    fail[v] = via;
                    self->out[v] |= self->out[via];
                    queue[tail++] = v;
                }
            }
        }
        PyMem_Free(fail);
        PyMem_Free(queue);
    }
    return 0;

nomem:
    Py_XDECREF(seq);
    PyErr_NoMemory();
    return -1;
}

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

static PyObject *Prefilter_check(Prefilter *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL; /* a no-op, then removed, from 3.12 */
#endif
    if (!PyUnicode_IS_ASCII(text)) return PyLong_FromLong(-1);
    const unsigned char *p = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const int ncls = self->ncls;
    const int32_t *delta = self->delta;
    const unsigned char *out = self->out;
    /* The skeleton starts with one space (word start for the first word). */
    int32_t s = delta[self->cls[(unsigned char)' ']];
    if (out[s]) return PyLong_FromLong(1);
    int last_space = 1;      /* the last byte fed was a space: runs are fed as one */
    Py_ssize_t wordlen = 0;  /* letters since the last skeleton space */
    int singles = 0;         /* single-letter words in a row: c o k e */
    int prev_alnum = 0;      /* in the original: letter or digit before a symbol run */
    int symbol_run = 0;      /* symbols right after a letter or digit: h@sh */
    int i_run = 0;           /* i or I in a row in the original: kiiiller */
    unsigned char prev_k = ' '; /* the previous skeleton byte */
    int doubles = 0;         /* doubled letters in the current word: ccoccaiinne */
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '#') return PyLong_FromLong(1);  /* hashtags are segmented on the full path */
        /* The skeleton merges i and l ("will" reads "wiii"), so its own triple keys need four
         * i; three i written as such are a tripled letter too. */
        if (c == 'i' || c == 'I') {
            if (++i_run >= 3) return PyLong_FromLong(1);
        } else {
            i_run = 0;
        }
        if (is_alnum(c)) {
            if (symbol_run) return PyLong_FromLong(1);
            if (self->lone[c] && (i == 0 || is_space(p[i - 1])) &&
                (i + 1 == n || is_space(p[i + 1]) || (p[i + 1] && strchr(",.!?:;", p[i + 1]))))
                return PyLong_FromLong(1);  /* a one-letter term standing alone */
            prev_alnum = 1;
        } else if (is_leet_symbol(c)) {
            symbol_run = prev_alnum || symbol_run;
            prev_alnum = 0;
        } else {
            symbol_run = 0;
            prev_alnum = 0;
        }
        unsigned char k = self->skel[c];
        if (k != ' ' && k == prev_k) {
            /* DOUBLES_MIN disjoint doubled letters in one word (normalize.py): letters
             * doubled to dodge a filter. A pair is not the start of the next one. */
            if (++doubles >= 3) return PyLong_FromLong(1);
            prev_k = 0;
        } else {
            prev_k = k;
        }
        if (k == ' ') {
            doubles = 0;
            if (wordlen == 1) {
                if (++singles >= 3) return PyLong_FromLong(1);
            } else if (wordlen > 1) {
                singles = 0;
            }
            wordlen = 0;
            if (last_space) continue;
            last_space = 1;
        } else {
            wordlen++;
            last_space = 0;
        }
        s = delta[(size_t)s * ncls + self->cls[k]];
        if (out[s]) return PyLong_FromLong(1);
    }
    if (wordlen == 1 && singles + 1 >= 3) return PyLong_FromLong(1);
    /* ... and ends with one space (word end for the last word). */
    if (!last_space) s = delta[(size_t)s * ncls + self->cls[(unsigned char)' ']];
    return PyLong_FromLong(out[s] ? 1 : 0);
}

static PyObject *Prefilter_states(Prefilter *self, void *closure) {
    return PyLong_FromLong(self->nstates);
}

static PyMethodDef Prefilter_methods[] = {
    {"check", (PyCFunction)Prefilter_check, METH_O,
     "check(text) -> -1 (not ASCII), 0 (no term can match) or 1 (run the full path)"},
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

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "_fastpath",
    "The scanner's clean-post fast path (see matcher.py) and first-pass language id's "
    "feature counting (see langid.py).", -1, NULL,
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
