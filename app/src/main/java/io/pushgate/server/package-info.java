/**
 * The assembly: the one package that knows every module. It holds the servlet, the
 * configuration schema, and the pipeline of each role (registrar, gateway, push-server). Modules
 * never import it. Application sessions of proxied dialogs end with the dialog
 * (invalidate-when-ready); the timeout (minutes) only bounds dialogs that never end, so it is
 * also the longest call the proxy follows.
 */
@javax.servlet.sip.annotation.SipApplication(name = "pushgate", mainServlet = "pushgate", distributable = false, sessionTimeout = 240)
package io.pushgate.server;
