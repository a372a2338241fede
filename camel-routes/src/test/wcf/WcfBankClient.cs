// A WCF (System.ServiceModel) client of the demo bank's SOAP face, for WcfInteropIT: message
// security with X.509 certificates on both sides (SecurityBindingElement.CreateMutualCertificateBindingElement,
// the binding .NET partners use against Java services), Basic256Sha256, a Timestamp, and WCF's default
// protection order: the request's Body and signature are encrypted, and so must the reply's be.
// Built with Mono's mcs and run with mono (Debian's mono-devel), or on Windows with the .NET Framework 4's
// csc.exe and run as it is (Microsoft's WCF): WcfInteropIT picks whichever is there.
//
// --binding picks what the client sends (Mono runs only the first; the others are for .NET Framework):
//   mutual-certificate          the above (default);
//   username-for-certificate    WS-Security 1.1 UserNameForCertificate: a key encrypted to the gateway signs
//                               the Body, Timestamp and UsernameToken (--username, --user-password-file);
//   secure-conversation         WCF's default EstablishSecurityContext over that: a security context first,
//                               the call in it, then the context cancelled when the channel closes.
using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.ServiceModel.Description;
using System.ServiceModel.Security;
using System.Xml;
using System.Xml.Linq;

public static class WcfBankClient
{
    const string Bank = "urn:portcullis:demo-bank";

    // Arguments: --endpoint URL --pkcs12 FILE --password-file FILE --peer-cert PEM --account ID
    // [--binding mutual-certificate|username-for-certificate|secure-conversation --username NAME --user-password-file FILE].
    // Prints the reply's body and exits 0, or prints a fault's reason to stderr and exits 1.
    public static int Main(string[] args)
    {
        string endpoint = Arg(args, "--endpoint"), pkcs12 = Arg(args, "--pkcs12"), peerPem = Arg(args, "--peer-cert");
        string password = File.ReadAllText(Arg(args, "--password-file")).Trim(), account = Arg(args, "--account");
        string kind = Array.IndexOf(args, "--binding") < 0 ? "mutual-certificate" : Arg(args, "--binding");
        SecurityBindingElement security;
        MessageVersion version = MessageVersion.Soap11;
        if (kind == "mutual-certificate")
        {
            // Mono's WCF cannot build WS-Security 1.1 requests (it fails before sending), so 1.0.
            security = SecurityBindingElement.CreateMutualCertificateBindingElement(
                MessageSecurityVersion.WSSecurity10WSTrustFebruary2005WSSecureConversationFebruary2005WSSecurityPolicy11BasicSecurityProfile10);
        }
        else
        {
            // WS-Security 1.1 (a key encrypted to the gateway, derived keys); WS-SecureConversation needs WS-Addressing.
            var userNameForCertificate = SecurityBindingElement.CreateUserNameForCertificateBindingElement();
            userNameForCertificate.MessageSecurityVersion =
                MessageSecurityVersion.WSSecurity11WSTrustFebruary2005WSSecureConversationFebruary2005WSSecurityPolicy11BasicSecurityProfile10;
            userNameForCertificate.DefaultAlgorithmSuite = SecurityAlgorithmSuite.Basic256Sha256;
            if (kind == "username-for-certificate")
            {
                security = userNameForCertificate;
            }
            else if (kind == "secure-conversation")
            {
                security = SecurityBindingElement.CreateSecureConversationBindingElement(userNameForCertificate, true);
                version = MessageVersion.Soap11WSAddressing10;
            }
            else
            {
                throw new ArgumentException("unknown --binding " + kind);
            }
        }
        security.DefaultAlgorithmSuite = SecurityAlgorithmSuite.Basic256Sha256;
        security.IncludeTimestamp = true;
        var binding = new CustomBinding(security,
            new TextMessageEncodingBindingElement(version, System.Text.Encoding.UTF8),
            new HttpTransportBindingElement());

        var gateway = new X509Certificate2(peerPem);
        var address = new EndpointAddress(new Uri(endpoint), EndpointIdentity.CreateX509CertificateIdentity(gateway));
        var credentials = new ClientCredentials();
        credentials.ClientCertificate.Certificate = new X509Certificate2(pkcs12, password, X509KeyStorageFlags.Exportable);
        if (kind != "mutual-certificate")
        {
            credentials.UserName.UserName = Arg(args, "--username");
            credentials.UserName.Password = File.ReadAllText(Arg(args, "--user-password-file")).Trim();
        }
        credentials.ServiceCertificate.DefaultCertificate = gateway;
        // The gateway's certificate is pinned above (the endpoint identity); there is no chain to build.
        credentials.ServiceCertificate.Authentication.CertificateValidationMode = X509CertificateValidationMode.None;

        // What a service contract with ProtectionLevel.EncryptAndSign would ask for: the Body signed and
        // encrypted both ways.
        var protection = new ChannelProtectionRequirements();
        protection.OutgoingSignatureParts.AddParts(new MessagePartSpecification(true));
        protection.OutgoingEncryptionParts.AddParts(new MessagePartSpecification(true));
        protection.IncomingSignatureParts.AddParts(new MessagePartSpecification(true));
        protection.IncomingEncryptionParts.AddParts(new MessagePartSpecification(true));

        // The channel layer, not a typed proxy: a fault comes back as the message it is, whatever its detail.
        // A security context is a session: its channel is a session channel, and closing it cancels the context.
        var parameters = new BindingParameterCollection { credentials, protection };
        IRequestChannel channel;
        if (kind == "secure-conversation")
        {
            var sessions = binding.BuildChannelFactory<IRequestSessionChannel>(parameters);
            sessions.Open();
            channel = sessions.CreateChannel(address);
        }
        else
        {
            var factory = binding.BuildChannelFactory<IRequestChannel>(parameters);
            factory.Open();
            channel = factory.CreateChannel(address);
        }
        channel.Open();
        var body = new XElement(XName.Get("GetAccount", Bank), new XElement(XName.Get("accountId", Bank), account));
        Message reply = channel.Request(Message.CreateMessage(version, "urn:portcullis:demo-bank/GetAccount",
            body.CreateReader()));
        if (reply.IsFault)
        {
            Console.Error.WriteLine(MessageFault.CreateFault(reply, 65536).Reason.GetMatchingTranslation().Text);
            return 1;
        }
        Console.WriteLine(reply.GetReaderAtBodyContents().ReadOuterXml());
        channel.Close();
        return 0;
    }

    static string Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length) throw new ArgumentException("missing " + name);
        return args[i + 1];
    }
}
