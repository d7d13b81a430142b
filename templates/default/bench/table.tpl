{{%AUTOESCAPE context="HTML"}}{{!
  bench/table.tpl: the load-test page, a 50-row table.
  View: rows [{id, name, kind, status, users, customers, created}].
}}{{>HEAD}}
<h1 class="h3">Organisations</h1>
<div class="table-responsive">
<table class="table table-striped table-sm pt-table">
<caption>{{rows_count}} organisations</caption>
<thead><tr><th scope="col">ID</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" class="text-end">Users</th><th scope="col" class="text-end">Customers</th><th scope="col">Created</th></tr></thead>
<tbody>
{{#rows}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{kind}}</td><td>{{status}}</td><td class="text-end">{{users}}</td><td class="text-end">{{customers}}</td><td>{{created}}</td></tr>
{{/rows}}{{#rows_empty}}<tr><td colspan="7">No organisations.</td></tr>
{{/rows_empty}}</tbody>
</table>
</div>
{{>FOOT}}
