/* list: a circular doubly linked list threaded through the structs it
 * holds (the Linux kernel's list_head, h2o's linklist). A head is a struct
 * list of its own; an item embeds one and is found again with
 * list_item(). An item that is on no list has next == NULL, so that
 * list_linked() tells, and unlinking it twice is harmless. */
#ifndef SALVO_LIST_H
#define SALVO_LIST_H
#include <stddef.h>

struct list {
    struct list *prev, *next;
};

#define list_item(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Walk head's items; n may be unlinked (or freed) inside the loop. (n and
 * next_ name the loop's variables: they cannot be parenthesised.) */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define list_each(n, next_, head)                                                                  \
    for (struct list *n = (head)->next, *next_ = n->next; n != (head); n = next_, next_ = n->next)
/* NOLINTEND(bugprone-macro-parentheses) */

static inline void list_init(struct list *head)
{
    head->prev = head->next = head;
}

static inline int list_empty(const struct list *head)
{
    return head->next == head;
}

static inline int list_linked(const struct list *n)
{
    return n->next != NULL;
}

static inline void list_insert_after(struct list *at, struct list *n)
{
    n->prev = at;
    n->next = at->next;
    at->next->prev = n;
    at->next = n;
}

static inline void list_push_back(struct list *head, struct list *n)
{
    list_insert_after(head->prev, n);
}

static inline void list_push_front(struct list *head, struct list *n)
{
    list_insert_after(head, n);
}

static inline void list_unlink(struct list *n)
{
    if (!n->next)
        return;
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}

/* The first item, unlinked, or NULL. */
static inline struct list *list_pop_front(struct list *head)
{
    struct list *n = head->next;
    if (n == head)
        return NULL;
    list_unlink(n);
    return n;
}
#endif
