/* seal.c — pt_seal / pt_unseal: the secret box with the install's key,
 * read once per worker from [security] key_file. */
#include "pt_config.h"
#include "request.h"
#include "secret.h"
#include "worker.h"

#include <stdlib.h>
#include <string.h>

static int seal_key(struct pt_req *r)
{
    struct pt_worker *w = r->w;
    const char *path = pt_config_value(w->cfg, "security", "key_file");

    if (w->key_state == 0) {
        w->key_state = path && pt_secret_key_load(path, w->key) == 0 ? 1 : -1;
        if (w->key_state < 0)
            pt_log_error("%s: no usable [security] key_file: secrets cannot be sealed",
                         __func__);
    }
    return w->key_state > 0 ? PT_OK : PT_EIO;
}

/* Copies a malloc'd result into the arena and wipes the original. */
static const unsigned char *to_arena(struct pt_req *r, unsigned char *buf, size_t n)
{
    unsigned char *copy = pt_alloc(r, n + 1);

    if (copy) {
        memcpy(copy, buf, n);
        copy[n] = '\0';
    }
    pt_secret_free(buf, n);
    return copy;
}

int pt_seal(struct pt_req *r, const void *plain, size_t n, const char *aad,
            const unsigned char **box, size_t *boxlen)
{
    unsigned char *out;
    int rc;

    if ((rc = seal_key(r)) != 0 ||
        (rc = pt_secret_seal(r->w->key, plain, n, aad, strlen(aad), &out, boxlen)) != 0)
        return rc;
    *box = to_arena(r, out, *boxlen);
    return *box ? PT_OK : PT_ENOMEM;
}

int pt_unseal(struct pt_req *r, const void *box, size_t boxlen, const char *aad,
              const unsigned char **plain, size_t *plainlen)
{
    unsigned char *out;
    int rc;

    if ((rc = seal_key(r)) != 0 ||
        (rc = pt_secret_open(r->w->key, box, boxlen, aad, strlen(aad), &out, plainlen)) != 0)
        return rc;
    *plain = to_arena(r, out, *plainlen);
    return *plain ? PT_OK : PT_ENOMEM;
}
