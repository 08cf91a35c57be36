package io.pushgate.runtime;

/** The management view of {@link ApplicationRouter}. */
public interface ApplicationRouterMBean {
    /** The default application router's configuration, in its DAR text format. */
    String getConfiguration();

    /** Replaces it at run time; a text the router cannot read is refused and the old one stays. */
    void setConfiguration(String dar);
}
