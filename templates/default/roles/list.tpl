{{%AUTOESCAPE context="HTML"}}{{!
  roles/list.tpl: GET /orgs/{org}/roles.
  View: org {id, name, kind}, can_manage, new_href, roles [{id, name,
  description, system, custom, own, inherited (booleans), owner_name,
  permission_count, user_count, href, can_edit / edit_href, can_duplicate /
  duplicate_href, can_delete / delete_href}].  System roles are those usable at the organisation's kind;
  edit and delete are offered for its own custom roles only, delete only
  while no one holds the role.
}}{{>HEAD}}
<div class="d-flex flex-wrap align-items-center gap-2 mb-2">
{{#org}}<h1 class="h3 mb-0 me-auto">Roles of {{name}}</h1>
{{/org}}{{#can_manage}}<a class="btn btn-primary" href="{{new_href}}" id="create-role">Create role</a>
{{/can_manage}}</div>
<p class="text-muted">Roles control what each user can see and do. System roles are built in and read-only; to customise permissions, create a custom role or duplicate an existing one.</p>
{{#roles_empty}}<p class="text-muted">No roles are available here.</p>
{{/roles_empty}}<div class="table-responsive">
<table class="table align-middle" id="roles-table">
<thead><tr><th scope="col">Role</th><th scope="col">Type</th><th scope="col">Description</th><th scope="col" class="text-end">Permissions</th><th scope="col" class="text-end">Users</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
{{#roles}}<tr data-role-id="{{id}}">
<td><a href="{{href}}">{{name}}</a></td>
<td>{{#system}}<span class="badge text-bg-secondary">System</span>{{/system}}{{#own}}<span class="badge text-bg-success">Custom</span>{{/own}}{{#inherited}}<span class="badge text-bg-info">Inherited</span> <span class="small text-muted">from {{owner_name}}</span>{{/inherited}}</td>
<td class="small">{{description}}</td>
<td class="text-end">{{permission_count}}</td>
<td class="text-end">{{user_count}}</td>
<td class="text-end text-nowrap">
<a class="btn btn-sm btn-outline-secondary" href="{{href}}">View<span class="visually-hidden"> {{name}}</span></a>
{{#can_edit}}<a class="btn btn-sm btn-outline-primary" href="{{edit_href}}">Edit<span class="visually-hidden"> {{name}}</span></a>
{{/can_edit}}{{#can_duplicate}}<a class="btn btn-sm btn-outline-primary" href="{{duplicate_href}}">Duplicate<span class="visually-hidden"> {{name}}</span></a>
{{/can_duplicate}}{{#can_delete}}<form method="post" action="{{delete_href}}" class="d-inline">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-sm btn-outline-danger">Delete<span class="visually-hidden"> {{name}}</span></button>
</form>
{{/can_delete}}</td>
</tr>
{{/roles}}</tbody>
</table>
</div>
{{>FOOT}}
