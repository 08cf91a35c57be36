package io.pushgate.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.Part;

/**
 * Lets the Manager's HTML upload take a .sar archive: its page accepts only file names ending in
 * .war, so the uploaded part is shown to it under that name. The archive is the same; it carries
 * WEB-INF/sip.xml, so the container deploys it as a SIP application whatever its extension.
 */
final class SarUpload implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
            @Override
            public Part getPart(String name) throws IOException, ServletException {
                Part p = super.getPart(name);
                return p == null ? null : asWar(p);
            }

            @Override
            public Collection<Part> getParts() throws IOException, ServletException {
                List<Part> parts = new ArrayList<>();
                for (Part p : super.getParts()) parts.add(asWar(p));
                return parts;
            }
        }, response);
    }

    private static Part asWar(Part p) {
        String disposition = p.getHeader("Content-Disposition");
        if (disposition == null || !disposition.toLowerCase(java.util.Locale.ROOT).matches("(?s).*filename=\"[^\"]*\\.sar\".*")) return p;
        String renamed = disposition.replaceFirst("(?i)(filename=\"[^\"]*)\\.sar\"", "$1.war\"");
        return new Part() {
            @Override public java.io.InputStream getInputStream() throws IOException { return p.getInputStream(); }
            @Override public String getContentType() { return p.getContentType(); }
            @Override public String getName() { return p.getName(); }
            @Override public long getSize() { return p.getSize(); }
            @Override public void write(String fileName) throws IOException { p.write(fileName); }
            @Override public void delete() throws IOException { p.delete(); }
            @Override public String getHeader(String name) { return "content-disposition".equalsIgnoreCase(name) ? renamed : p.getHeader(name); }
            @Override public Collection<String> getHeaders(String name) {
                return "content-disposition".equalsIgnoreCase(name) ? List.of(renamed) : p.getHeaders(name);
            }
            @Override public Collection<String> getHeaderNames() { return p.getHeaderNames(); }
        };
    }

    @Override
    public void init(FilterConfig config) {}

    @Override
    public void destroy() {}
}
