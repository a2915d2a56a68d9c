'use strict';
// Apply an AutocompleteListFilter as soon as a value is chosen or cleared.
// The select is turned into a select2 box by Django's admin/js/autocomplete.js.
{
    const $ = django.jQuery;

    $(document).on('change', 'select.autocomplete-list-filter', function() {
        const params = new URLSearchParams(this.dataset.baseQuery);
        params.delete(this.dataset.param);
        if (this.value) {
            params.set(this.dataset.param, this.value);
        }
        const query = params.toString();
        window.location.search = query ? '?' + query : '';
    });
}
