{{%AUTOESCAPE context="HTML"}}{{!
  health/status.tpl: GET /status.
  View: ok (boolean: ready to serve), database ("up" | "down" |
  "not configured"), modules [{name, routes}] (routes: how many), and
  not_ready (boolean, true when ok is false: ctemplate has no "else").
}}{{>HEAD}}
<h1 class="h3">Service status</h1>
<table class="table pt-status">
<tbody>
<tr><th scope="row">Alive</th><td><span class="badge text-bg-success">yes</span> this page was served by a worker</td></tr>
<tr><th scope="row">Ready</th><td>{{#ok}}<span class="badge text-bg-success">yes</span>{{/ok}}{{#not_ready}}<span class="badge text-bg-danger">no</span>{{/not_ready}}</td></tr>
<tr><th scope="row">Database</th><td>{{database}}</td></tr>
</tbody>
</table>
<h2 class="h5">Loaded modules ({{modules_count}})</h2>
<table class="table table-sm pt-modules">
<thead><tr><th scope="col">Module</th><th scope="col">Routes</th></tr></thead>
<tbody>
{{#modules}}<tr><td>{{name}}</td><td>{{routes}}</td></tr>
{{/modules}}{{#modules_empty}}<tr><td colspan="2">No modules are loaded.</td></tr>
{{/modules_empty}}</tbody>
</table>
{{>FOOT}}
