package dev.baton.engine.messaging;

import dev.baton.connectors.LinkSigner;
import dev.baton.connectors.email.EmailComposer;
import dev.baton.connectors.email.SmtpEmailConnector;
import dev.baton.engine.security.Credentials;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

/** Email: the SMTP connector, the composer that makes links trackable, and the signer of those links. */
@Configuration
@EnableConfigurationProperties(EmailProperties.class)
class EmailConfiguration {

    @Bean
    LinkSigner linkSigner(EmailProperties properties, Credentials credentials) {
        String secret = properties.linkSecret();
        return new LinkSigner(secret == null || secret.isBlank() ? credentials.derivedSecret("email-links") : secret);
    }

    @Bean
    EmailComposer emailComposer(EmailProperties properties, LinkSigner signer) {
        return new EmailComposer(properties.publicUrl(), signer);
    }

    @Bean
    SmtpEmailConnector smtpEmailConnector(JavaMailSender mail, EmailProperties properties) {
        return new SmtpEmailConnector(mail, properties.from());
    }
}
