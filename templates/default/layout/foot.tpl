{{%AUTOESCAPE context="HTML"}}{{!
  layout/foot.tpl: closes <main> and the page.  Expanded with the page's
  FOOT include dictionary (filled by the core, like HEAD).  It reads:
    brand_name, request_id               values
    footer {text}                        optional: the brand's footer line
    support_email {address}              optional
    support_url {url}                    optional
}}</main>
<footer class="pt-footer">
<div class="container pt-footer-row">
<span>&copy; {{brand_name}}{{#footer}} · {{text}}{{/footer}}</span>
<span>{{#support_email}}<a href="mailto:{{address}}">{{address}}</a> {{/support_email}}{{#support_url}}<a href="{{url}}">Help and support</a>{{/support_url}}</span>
<span>Request ID <code>{{request_id}}</code></span>
</div>
</footer>
<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js" defer></script>
</body>
</html>
