{{!NOESCAPE plain-text subject line: ctemplate has no text context; mail.c removes CR and LF and RFC 2047-encodes it}}Reset Your Password - {{brand_name}}
