// A WCF (System.ServiceModel) client of the demo bank's SOAP face, for WcfInteropIT: message
// security with X.509 certificates on both sides (SecurityBindingElement.CreateMutualCertificateBindingElement,
// the binding .NET partners use against Java services), Basic256Sha256, a Timestamp, and WCF's default
// protection order: the request's Body and signature are encrypted, and so must the reply's be.
// Built with Mono's mcs and run with mono (Debian's mono-devel); .NET's own WCF is not on this machine.
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

    // Arguments: --endpoint URL --pkcs12 FILE --password-file FILE --peer-cert PEM --account ID.
    // Prints the reply's body and exits 0, or prints a fault's reason to stderr and exits 1.
    public static int Main(string[] args)
    {
        string endpoint = Arg(args, "--endpoint"), pkcs12 = Arg(args, "--pkcs12"), peerPem = Arg(args, "--peer-cert");
        string password = File.ReadAllText(Arg(args, "--password-file")).Trim(), account = Arg(args, "--account");
        // Mono's WCF cannot build WS-Security 1.1 requests (it fails before sending), so 1.0.
        var security = SecurityBindingElement.CreateMutualCertificateBindingElement(
            MessageSecurityVersion.WSSecurity10WSTrustFebruary2005WSSecureConversationFebruary2005WSSecurityPolicy11BasicSecurityProfile10);
        security.DefaultAlgorithmSuite = SecurityAlgorithmSuite.Basic256Sha256;
        security.IncludeTimestamp = true;
        var binding = new CustomBinding(security,
            new TextMessageEncodingBindingElement(MessageVersion.Soap11, System.Text.Encoding.UTF8),
            new HttpTransportBindingElement());

        var gateway = new X509Certificate2(peerPem);
        var address = new EndpointAddress(new Uri(endpoint), EndpointIdentity.CreateX509CertificateIdentity(gateway));
        var credentials = new ClientCredentials();
        credentials.ClientCertificate.Certificate = new X509Certificate2(pkcs12, password, X509KeyStorageFlags.Exportable);
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
        var factory = binding.BuildChannelFactory<IRequestChannel>(new BindingParameterCollection { credentials, protection });
        factory.Open();
        IRequestChannel channel = factory.CreateChannel(address);
        channel.Open();
        var body = new XElement(XName.Get("GetAccount", Bank), new XElement(XName.Get("accountId", Bank), account));
        Message reply = channel.Request(Message.CreateMessage(MessageVersion.Soap11, "urn:portcullis:demo-bank/GetAccount",
            body.CreateReader()));
        if (reply.IsFault)
        {
            Console.Error.WriteLine(MessageFault.CreateFault(reply, 65536).Reason.GetMatchingTranslation().Text);
            return 1;
        }
        Console.WriteLine(reply.GetReaderAtBodyContents().ReadOuterXml());
        return 0;
    }

    static string Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length) throw new ArgumentException("missing " + name);
        return args[i + 1];
    }
}
