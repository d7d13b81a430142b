/*
 * catalogue.c — the permissions the roles module brings to the catalogue:
 * its own (roles.view, roles.manage) and the baseline keys of the
 * capabilities whose modules are not built yet (dashboard, billing,
 * virtual machines, networks, backups, sales tools, company settings,
 * support, white label), so that roles can be defined for them now.
 *
 * The module that implements a capability takes its keys over: it declares
 * them and they are deleted from here, in the same change.  The catalogue
 * (and role_permissions) is keyed by perm_key, so moving a declaration
 * changes nothing for existing roles.  Keep key, category and `roles` when
 * moving one; a label may be improved.
 *
 * Wording follows the seed portals' role screens ("View Dashboard",
 * "Manage Virtual Machines", "Console Access", "Create Networks", "Manage
 * VLANs", "Manage Backups", "Quotes", "Manage Billing", "Tickets", "White
 * Label").  Defaults (`roles`): msp_admin and distributor_admin hold every
 * partner permission; msp_user a limited standard set (views, tickets);
 * customer_admin manages its own resources, views its billing and opens
 * tickets; customer_user views and opens tickets; project_admin and
 * project_user work with the customer's VMs, networks and backups.
 * Permissions that act on a customer's resources need its consent
 * (PT_PERM_CONSENT) when used from above.
 */
#include "roles.h"

/* Who holds what by default, by system role key (space-separated). */
#define CH      PT_ROLES_CHANNEL_ADMINS             /* distributor_admin msp_admin */
#define CH_MSPU CH " msp_user"
#define VIEWERS PT_ROLES_EVERYONE
/* Works on resources: admins of every level and the project admin. */
#define RES_ADMINS PT_ROLES_ADMINS
/* Uses resources day to day (power, console) without changing them. */
#define RES_USERS  PT_ROLES_ADMINS " project_user"

const struct pt_permission roles_permissions[] = {
    /* ---- this module's own ---- */
    { .key = "roles.view", .category = "Roles",
      .label = "View roles and their permissions", .roles = PT_ROLES_ADMINS },
    { .key = "roles.manage", .category = "Roles",
      .label = "Create, edit, duplicate and delete custom roles", .roles = PT_ROLES_ADMINS },

    /* ---- baseline: dashboard ---- */
    { .key = "dashboard.view", .category = "Dashboard",
      .label = "View dashboard", .roles = VIEWERS },
    { .key = "dashboard.statistics", .category = "Dashboard",
      .label = "View statistics (resources, utilisation, top customers)",
      .roles = CH_MSPU " customer_admin project_admin" },

    /* ---- baseline: billing ---- */
    { .key = "billing.view", .category = "Billing",
      .label = "View billing, invoices and balance", .roles = CH " customer_admin" },
    { .key = "billing.manage", .category = "Billing",
      .label = "Manage billing (charges, credits, subscriptions)", .roles = CH },
    { .key = "billing.payment_methods", .category = "Billing",
      .label = "Manage payment methods", .roles = CH " customer_admin" },

    /* ---- baseline: virtual machines ---- */
    { .key = "vms.view", .category = "Virtual Machines",
      .label = "View virtual machines", .roles = VIEWERS },
    { .key = "vms.manage", .category = "Virtual Machines",
      .label = "Manage virtual machines (deploy, change, delete)", .roles = RES_ADMINS,
      .flags = PT_PERM_CONSENT },
    { .key = "vms.power", .category = "Virtual Machines",
      .label = "Power actions (start, stop, restart)", .roles = RES_USERS,
      .flags = PT_PERM_CONSENT },
    { .key = "vms.console", .category = "Virtual Machines",
      .label = "Console access", .roles = RES_USERS, .flags = PT_PERM_CONSENT },

    /* ---- baseline: cloud networks ---- */
    { .key = "cloud_networks.view", .category = "Cloud Networks",
      .label = "View cloud networks", .roles = VIEWERS },
    { .key = "cloud_networks.manage", .category = "Cloud Networks",
      .label = "Manage cloud networks", .roles = RES_ADMINS, .flags = PT_PERM_CONSENT },

    /* ---- baseline: networks and VLANs ---- */
    { .key = "networks.view", .category = "Networks & VLANs",
      .label = "View networks and VLANs", .roles = VIEWERS },
    { .key = "networks.manage", .category = "Networks & VLANs",
      .label = "Create networks and manage VLANs", .roles = RES_ADMINS,
      .flags = PT_PERM_CONSENT },

    /* ---- baseline: backups ---- */
    { .key = "backups.view", .category = "Backups",
      .label = "View backups", .roles = VIEWERS },
    { .key = "backups.manage", .category = "Backups",
      .label = "Manage backups (schedule, run, restore)", .roles = RES_ADMINS,
      .flags = PT_PERM_CONSENT },

    /* ---- baseline: sales tools ---- */
    { .key = "sales.quotes", .category = "Sales Tools",
      .label = "Quotes", .roles = CH },
    { .key = "sales.price_lists", .category = "Sales Tools",
      .label = "Price lists", .roles = CH },

    /* ---- baseline: settings ---- */
    { .key = "settings.company", .category = "Settings",
      .label = "Edit company details", .roles = CH " customer_admin" },

    /* ---- baseline: support ---- */
    { .key = "tickets.view", .category = "Support",
      .label = "View and open support tickets", .roles = VIEWERS },
    { .key = "tickets.manage", .category = "Support",
      .label = "Manage tickets (reply, assign, close any)",
      .roles = CH_MSPU " customer_admin project_admin" },
    { 0 }
};
