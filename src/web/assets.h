/* The page's files (web/view.html, view.css, view.js), compiled into nnl by
 * src/web/embed_assets.awk. */
#ifndef NNL_WEB_ASSETS_H
#define NNL_WEB_ASSETS_H
extern const char nnl_view_html[], nnl_view_css[], nnl_view_js[];
#endif
