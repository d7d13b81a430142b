{{%AUTOESCAPE context="HTML"}}{{!
  bench/org.tpl: GET /bench/org/{id} (the bench module): one row by primary key.
  View: org {id, name, kind, status, created}.
}}{{>HEAD}}
{{#org}}<h1 class="h3">{{name}}</h1>
<dl class="row">
<dt class="col-sm-3">Id</dt><dd class="col-sm-9">{{id}}</dd>
<dt class="col-sm-3">Kind</dt><dd class="col-sm-9">{{kind}}</dd>
<dt class="col-sm-3">Status</dt><dd class="col-sm-9">{{status}}</dd>
<dt class="col-sm-3">Created</dt><dd class="col-sm-9">{{created}}</dd>
</dl>
{{/org}}{{>FOOT}}
