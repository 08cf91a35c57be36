package io.pushgate.regevent;

import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The application/reginfo+xml document of RFC 3680: written by the registrar, read by the push application server. */
public final class RegInfo {
    public static final String CONTENT_TYPE = "application/reginfo+xml";
    static final String NS = "urn:ietf:params:xml:ns:reginfo";
    private static final XMLOutputFactory OUT = XMLOutputFactory.newFactory();

    private RegInfo() {}

    /**
     * A document for one AOR. {@code contacts} are the contacts to list (all live ones for full
     * state, the changed ones for partial state); {@code active} says whether any binding is left.
     */
    public static String write(String aor, long version, boolean full, boolean active, Collection<BindingChange> contacts, long now) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = OUT.createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("reginfo");
            x.writeDefaultNamespace(NS);
            x.writeAttribute("version", Long.toString(version));
            x.writeAttribute("state", full ? "full" : "partial");
            x.writeStartElement("registration");
            x.writeAttribute("aor", aor);
            x.writeAttribute("id", idOf(aor));
            x.writeAttribute("state", active ? "active" : contacts.isEmpty() && full ? "init" : "terminated");
            for (BindingChange c : contacts) writeContact(x, c, now);
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("reginfo document", e);
        }
        return out.toString();
    }

    private static void writeContact(XMLStreamWriter x, BindingChange c, long now) throws XMLStreamException {
        BindingRecord b = c.binding();
        x.writeStartElement("contact");
        x.writeAttribute("id", b.id());
        x.writeAttribute("state", c.event().active() ? "active" : "terminated");
        x.writeAttribute("event", c.event().xmlName());
        if (c.event().active()) x.writeAttribute("expires", Long.toString(b.remainingSeconds(now)));
        x.writeAttribute("q", String.format(java.util.Locale.ROOT, "%.3f", b.qMilli() / 1000.0));
        x.writeAttribute("callid", b.callId());
        x.writeAttribute("cseq", Long.toString(b.cseq()));
        x.writeStartElement("uri");
        x.writeCharacters(b.contactUri());
        x.writeEndElement();
        if (b.instanceId() != null) {
            x.writeStartElement("unknown-param");
            x.writeAttribute("name", "+sip.instance");
            x.writeCharacters(b.instanceId());
            x.writeEndElement();
        }
        x.writeEndElement();
    }

    private static String idOf(String aor) {
        return Integer.toHexString(aor.hashCode());
    }

    /** What a reader needs from a document: the AOR, its state and its contacts. */
    public record Registration(String aor, String state, List<Contact> contacts) {
        /** True when at least one contact is active. */
        public boolean hasActiveContact() {
            return contacts.stream().anyMatch(Contact::active);
        }
    }

    public record Contact(String id, String state, String event, String uri) {
        public boolean active() { return "active".equals(state); }
    }

    /**
     * One parser per thread: finding and configuring a parser factory took a third of the time the
     * push server spends on a NOTIFY (bench/push-server-handback.py), and builders are not thread-safe.
     */
    private static final ThreadLocal<DocumentBuilder> PARSER = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser with secure processing", e);
        }
    });

    /** Reads every registration of a document; throws IllegalArgumentException on anything that is not reginfo. */
    public static List<Registration> parse(byte[] body) {
        try {
            DocumentBuilder parser = PARSER.get();
            parser.reset();
            Element root = parser.parse(new ByteArrayInputStream(body)).getDocumentElement();
            if (!NS.equals(root.getNamespaceURI()) || !"reginfo".equals(root.getLocalName())) {
                throw new IllegalArgumentException("not a reginfo document: " + root.getTagName());
            }
            List<Registration> out = new ArrayList<>();
            NodeList regs = root.getElementsByTagNameNS(NS, "registration");
            for (int i = 0; i < regs.getLength(); i++) {
                Element r = (Element) regs.item(i);
                List<Contact> contacts = new ArrayList<>();
                NodeList cs = r.getElementsByTagNameNS(NS, "contact");
                for (int j = 0; j < cs.getLength(); j++) {
                    Element c = (Element) cs.item(j);
                    NodeList uri = c.getElementsByTagNameNS(NS, "uri");
                    contacts.add(new Contact(c.getAttribute("id"), c.getAttribute("state"), c.getAttribute("event"),
                            uri.getLength() == 0 ? "" : uri.item(0).getTextContent().trim()));
                }
                out.add(new Registration(r.getAttribute("aor"), r.getAttribute("state"), contacts));
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable reginfo: " + e.getMessage(), e);
        }
    }
}
