{{%AUTOESCAPE context="HTML"}}{{!
  layout/foot.tpl: closes <main> and the page.  Expanded with the page's
  FOOT include dictionary (filled by the core, like HEAD).  It reads:
    brand_name, request_id               values
    brand_footer {text}                  optional: the brand's footer line
    brand_support {mail {address}, phone {number}, link {url}}
                                         optional: the brand's support contacts
}}</main>
<footer class="pt-footer">
<div class="container pt-footer-row">
<span>&copy; {{brand_name}}{{#brand_footer}} · {{text}}{{/brand_footer}}</span>
{{#brand_support}}<span>{{#mail}}<a href="mailto:{{address}}">{{address}}</a> {{/mail}}{{#phone}}{{number}} {{/phone}}{{#link}}<a href="{{url}}">Help and support</a>{{/link}}</span>
{{/brand_support}}
<span>Request ID <code>{{request_id}}</code></span>
</div>
</footer>
<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js" defer></script>
</body>
</html>
