/**
 * The assembly: the one package that knows every module. It holds the servlet, the
 * configuration schema, and the pipeline of each role (registrar, gateway, push-server). Modules
 * never import it. The SIP application itself is declared in WEB-INF/sip.xml.
 */
package io.pushgate.server;
