/*
 * json.h - jansson's parse and dump with their failures told apart (json.c). jansson's json_t
 * is the library's JSON data model: besides json.c, jansson.h is included where JSON is read
 * or built (input/form.c, input/record.c, fonts/font.c, and archive/archive_content.c,
 * archive/archive_event_doc.c, rules/rules.c, rules/register.c); they parse and dump through
 * these two wrappers.
 */
#ifndef BEIAN_JSON_H
#define BEIAN_JSON_H

#include <stddef.h>

/*
 * json_dumps that returns NULL instead of a wrong text: jansson 2.14 can drop a key while
 * dumping when an allocation fails and still return a string (the fault sweep found it), so
 * the text is read back and compared with root. Free the result with free().
 */
struct json_t;
char *beian_json_dumps(const struct json_t *root, size_t flags);

/*
 * json_loadb that tells a lack of memory from bad JSON. jansson 2.14 reports a failed
 * allocation inside its lexer as a syntax error, and drops a byte it could not save, so a
 * string can come back silently shortened; reading data through this wrapper, *oom is set
 * (and NULL returned) whenever one of jansson's allocations failed during the parse.
 * err is a json_error_t (jansson.h); the result is a json_t the caller decrefs.
 */
struct json_t;
struct json_error_t;
struct json_t *beian_json_loadb(const void *data, size_t len, size_t flags,
                                struct json_error_t *err, int *oom);

#endif
