/*
 * array.h - the one growable array of the library: overflow-checked growth of a
 * malloc'd array of any item type (util/array.c).
 *
 * A growable array is three things the owner keeps side by side: a pointer to the items,
 * the number in use and the capacity (items allocated). Only the growth is shared: before
 * storing item n the owner asks for room for n + 1,
 *
 *     if (BEIAN_ARRAY_GROW(list->items, list->cap, list->n + 1) != BEIAN_OK) {
 *         return BEIAN_EINTERNAL;
 *     }
 *     list->items[list->n++] = item;
 *
 * The capacity at least doubles (from BEIAN_ARRAY_MIN_CAP), so n appends cost O(n) copies,
 * and the byte size is checked against SIZE_MAX before realloc is called (the model is
 * libgit2's git_array_t and GIT_ERROR_CHECK_ALLOC_MULTIPLY). On failure the items and the
 * capacity are left as they were, still owned by the caller. Limits on how many items an
 * input may make (rows, cells, fields) stay with the caller: this only keeps the
 * arithmetic honest.
 */
#ifndef BEIAN_ARRAY_H
#define BEIAN_ARRAY_H

#include <stddef.h>

#include "beian/common.h"

/* The capacity of an array's first allocation: small, since most lists here are short. */
#define BEIAN_ARRAY_MIN_CAP 8

/*
 * Makes room for at least need items of item_size bytes. items_ptr is the address of the
 * caller's item pointer (of any object pointer type: `&list->items`); the pointer is read and
 * written with memcpy, so no pointer is accessed through a type it does not have. *cap is the
 * current capacity. Returns BEIAN_OK (need <= *cap afterwards) or BEIAN_EINTERNAL (the size
 * overflows size_t, or no memory; nothing changed).
 */
int beian_array_grow(void *items_ptr, size_t *cap, size_t need, size_t item_size);

/* The typed form: items is an lvalue of pointer type, cap a size_t lvalue. */
#define BEIAN_ARRAY_GROW(items, cap, need)                                                       \
    ((need) <= (cap) ? BEIAN_OK : beian_array_grow(&(items), &(cap), (need), sizeof *(items)))

#endif
