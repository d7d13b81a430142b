/* pt_limits.h — the size caps of portal.conf's [limits], shared by every parser. */
#ifndef PT_LIMITS_H
#define PT_LIMITS_H

#include <stddef.h>

struct pt_limits {
    size_t max_body;        /* bytes of a request body */
    size_t max_parts;       /* multipart parts, form fields, query pairs, cookies */
    size_t max_field;       /* bytes of one field value (text) */
    size_t max_upload;      /* bytes of one uploaded file */
    size_t max_headers;     /* HTTP_* params of one request */
    size_t max_json_depth;  /* nesting of a JSON body */
};

/* The defaults portal.conf starts from. */
#define PT_LIMITS_DEFAULT { .max_body = 4u << 20, .max_parts = 1000, .max_field = 65536, \
                            .max_upload = 2u << 20, .max_headers = 100, .max_json_depth = 32 }

#endif
